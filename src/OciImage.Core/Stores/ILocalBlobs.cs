using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>A store whose blobs are files on this machine (a layout): users may want the path.</summary>
public interface ILocalBlobs
{
    string BlobPath(Digest digest);
}
