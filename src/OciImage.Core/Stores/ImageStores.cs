using OciImage.Core.Registry;

namespace OciImage.Core.Stores;

/// <summary>What opening a store needs besides the reference: the session's registry settings and a log.</summary>
public sealed class StoreContext
{
    public StoreContext(RegistrySessions sessions, RegistryOptions? overrides, IEngineLog log)
    {
        Sessions = sessions;
        Overrides = overrides;
        Log = log;
    }

    public RegistrySessions Sessions { get; }

    /// <summary>Settings given for this call (credential, retries), over the session's.</summary>
    public RegistryOptions? Overrides { get; }

    public IEngineLog Log { get; }
}

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
