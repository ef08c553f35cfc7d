using System;
using System.Collections.Concurrent;
using System.Linq;

namespace OciImage.Core.Registry;

/// <summary>
/// The registry settings and credentials of one PowerShell session (Connect-OciRegistry), and the token cache
/// they share. Credentials are looked up: this session's, then the docker config, then anonymous.
/// </summary>
public sealed class RegistrySessions
{
    private readonly ConcurrentDictionary<string, RegistryOptions> _connected = new(StringComparer.OrdinalIgnoreCase);

    public TokenCache Tokens { get; } = new();

    /// <summary>The docker config file to read credentials from; null to read none.</summary>
    public string? DockerConfigPath { get; set; } = DockerConfigCredentials.DefaultPath();

    /// <summary>The registries Connect-OciRegistry named in this session, for completion.</summary>
    public System.Collections.Generic.IReadOnlyList<string> Connected => _connected.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToList();

    public void Connect(string registry, RegistryOptions options)
    {
        _connected[registry] = options;
        Tokens.Forget(registry);
    }

    /// <summary>Forgets a registry's settings and its tokens; false when it was not connected.</summary>
    public bool Disconnect(string registry)
    {
        Tokens.Forget(registry);
        return _connected.TryRemove(registry, out _);
    }

    /// <summary>The settings for a registry: its session settings overlaid with this call's.</summary>
    public RegistryOptions OptionsFor(string registry, RegistryOptions? overrides)
    {
        var baseline = _connected.TryGetValue(registry, out var options) ? options : new RegistryOptions();
        return baseline.Merge(overrides);
    }

    /// <summary>
    /// The credential to use for a repository (null: the registry itself): given for this call or session, else
    /// from the docker config, else null.
    /// </summary>
    public RegistryCredential? CredentialFor(string registry, string? repository, RegistryOptions options, IEngineLog log) =>
        options.Credential ?? new DockerConfigCredentials(DockerConfigPath, log).Find(registry, repository);
}
