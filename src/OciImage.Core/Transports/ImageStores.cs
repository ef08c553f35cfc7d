using OciImage.Core.Registry;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary>
/// Opens the store a reference names: its transport (<see cref="Reference.Transport"/>, registered in
/// <see cref="TransportTable"/>) knows which store serves it.
/// </summary>
internal static class ImageStores
{
    /// <summary>Opens an existing layout or archive, or a registry repository (no request is sent until one is needed).</summary>
    public static IImageStore OpenForRead(Reference reference, StoreContext context) => reference.Transport.OpenForRead(reference, context);

    /// <summary>Opens a store to write into: a layout is created when missing; an archive is written on commit, adding to the file there is.</summary>
    public static IImageStore OpenForWrite(Reference reference, StoreContext context) => reference.Transport.OpenForWrite(reference, context);

    /// <summary>Opens a store that must exist, to change it (tag, untag, delete, rebuild): a missing layout is LayoutNotFound, not created.</summary>
    public static IImageStore OpenForUpdate(Reference reference, StoreContext context) => reference.Transport.OpenForUpdate(reference, context);

    public static RegistryStore OpenRegistry(Reference reference, StoreContext context) => RegistryImageTransport.Open(reference, context);
}
