using System;
using OciImage.Core.Archives;
using OciImage.Core.Registry;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary>
/// Opens the store a reference's transport names: a registry repository, an OCI layout, an oci-archive or a
/// docker-archive file. The one place that knows which store serves which transport.
/// </summary>
public static class ImageStores
{
    /// <summary>Opens an existing layout or archive, or a registry repository (no request is sent until one is needed).</summary>
    public static IImageStore OpenForRead(Reference reference, StoreContext context) => reference.Transport switch
    {
        ReferenceTransport.Layout => OciLayoutStore.Open(reference.LayoutPath!),
        ReferenceTransport.OciArchive => OciArchiveStore.OpenForRead(reference.LayoutPath!, context.Log),
        ReferenceTransport.DockerArchive => DockerArchiveStore.OpenForRead(reference.LayoutPath!, context.Log),
        _ => OpenRegistry(reference, context),
    };

    /// <summary>Opens a store to write into: a layout is created when missing; an archive is written on commit, adding to the file there is.</summary>
    public static IImageStore OpenForWrite(Reference reference, StoreContext context) => reference.Transport switch
    {
        ReferenceTransport.Layout => OciLayoutStore.OpenOrCreate(reference.LayoutPath!),
        ReferenceTransport.OciArchive => OciArchiveStore.OpenForWrite(reference.LayoutPath!, context.Log),
        ReferenceTransport.DockerArchive => DockerArchiveStore.OpenForWrite(reference.LayoutPath!, context.Log),
        _ => OpenRegistry(reference, context),
    };

    /// <summary>Opens a store that must exist, to change it (tag, untag, delete, rebuild): a missing layout is LayoutNotFound, not created.</summary>
    public static IImageStore OpenForUpdate(Reference reference, StoreContext context) =>
        reference.IsLayout ? OciLayoutStore.Open(reference.LayoutPath!) : OpenForWrite(reference, context);

    public static RegistryStore OpenRegistry(Reference reference, StoreContext context) =>
        new RegistryClient(reference.Registry!, context.Sessions, context.Overrides, context.Log).Repository(reference.Repository!);
}
