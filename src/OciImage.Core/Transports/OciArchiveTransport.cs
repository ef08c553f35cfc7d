using OciImage.Core.Archives;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary><c>oci-archive:PATH[:NAME]</c>: an OCI layout in a tar file (skopeo's oci-archive).</summary>
internal sealed class OciArchiveTransport : ArchiveTransport
{
    internal OciArchiveTransport()
        : base("oci-archive")
    {
    }

    public override IImageStore OpenForRead(Reference reference, StoreContext context) => OciArchiveStore.OpenForRead(reference.LayoutPath!, context.Log);

    /// <summary>The archive is written on commit, adding to the file there is.</summary>
    public override IImageStore OpenForWrite(Reference reference, StoreContext context) => OciArchiveStore.OpenForWrite(reference.LayoutPath!, context.Log);
}
