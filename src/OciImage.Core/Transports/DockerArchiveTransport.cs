using OciImage.Core.Archives;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary><c>docker-archive:PATH[:NAME:TAG]</c>: what docker save writes (skopeo's docker-archive).</summary>
internal sealed class DockerArchiveTransport : ArchiveTransport
{
    internal DockerArchiveTransport()
        : base("docker-archive")
    {
    }

    public override IImageStore OpenForRead(Reference reference, StoreContext context) => DockerArchiveStore.OpenForRead(reference.LayoutPath!, context.Log);

    /// <summary>The archive is written on commit, adding to the file there is.</summary>
    public override IImageStore OpenForWrite(Reference reference, StoreContext context) => DockerArchiveStore.OpenForWrite(reference.LayoutPath!, context.Log);
}
