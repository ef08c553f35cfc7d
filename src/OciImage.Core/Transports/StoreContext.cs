using OciImage.Core.Registry;

namespace OciImage.Core.Transports;

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
