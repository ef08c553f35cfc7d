using OciImage.Core;
using OciImage.Core.Registry;

namespace OciImage.TestKit;

/// <summary>Registry clients for tests: no docker config is read, so the machine's credentials never interfere.</summary>
internal static class TestClients
{
    public static RegistryClient Client(string host, RegistryOptions? options = null, IEngineLog? log = null) =>
        new(host, new RegistrySessions { DockerConfigPath = null }, options, log ?? NullEngineLog.Instance);

    public static RegistryStore Store(string host, string repository, RegistryOptions? options = null, IEngineLog? log = null) =>
        Client(host, options, log).Repository(repository);
}
