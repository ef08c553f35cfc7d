using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>
/// A store whose blobs are files on this machine (a layout): users may want the path, and a file written in its
/// staging folder becomes a blob by a rename, not a second pass over its bytes.
/// </summary>
internal interface ILocalBlobs
{
    string BlobPath(Digest digest);

    /// <summary>A folder on the blobs' file system, for a file that will become a blob.</summary>
    string StagingFolder { get; }

    /// <summary>
    /// Takes a finished file from the staging folder as the blob it hashes to. The caller hashed the bytes as it
    /// wrote them (a layer build), so they are not read again: the file is renamed in; when the blob is already
    /// there the file is deleted (content-addressed, so identical). Returns the blob's path.
    /// </summary>
    string AdoptBlobFile(Descriptor blob, string file);
}
