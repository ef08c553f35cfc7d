using OciImage.Core.Registry;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>The context for verbs that only ever open local stores (layouts): no registry session is asked.</summary>
internal static class LocalStores
{
    public static StoreContext Context(IEngineLog log) => new(new RegistrySessions { DockerConfigPath = null }, null, log);
}
