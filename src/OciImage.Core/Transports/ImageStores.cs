using OciImage.Core.Registry;
using OciImage.Core.Stores;

namespace OciImage.Core.Transports;

/// <summary>Opens the store a reference points at.</summary>
public static class ImageStores
{
    /// <summary>Opens an existing layout, or a registry repository (no request is sent until one is needed).</summary>
    public static IImageStore OpenForRead(Reference reference, StoreContext context)
    {
        if (reference.IsLayout)
        {
            return OciLayoutStore.Open(reference.LayoutPath!);
        }

        return OpenRegistry(reference, context);
    }

    public static RegistryStore OpenRegistry(Reference reference, StoreContext context) =>
        new RegistryClient(reference.Registry!, context.Sessions, context.Overrides, context.Log).Repository(reference.Repository!);
}
