using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Registry;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// A registry as a whole, not one repository: keeping and forgetting a session's settings for it (after checking
/// that it accepts them), its catalog of repositories, and a repository's tags by name (for completion).
/// </summary>
public static class RegistryVerb
{
    /// <summary>
    /// Keeps <paramref name="options"/> for <paramref name="registry"/> in the session; with <paramref name="check"/>,
    /// first pings the registry with them in a throwaway session, so that nothing is kept when it says no
    /// (Unauthorized, NotARegistry, a transport failure).
    /// </summary>
    public static async Task ConnectAsync(RegistrySessions sessions, string registry, RegistryOptions options, bool check, IEngineLog log, CancellationToken cancellationToken)
    {
        if (check)
        {
            var trial = new RegistrySessions();
            trial.Connect(registry, options);
            await new RegistryClient(registry, trial, null, log).PingAsync(cancellationToken).ConfigureAwait(false);
        }

        sessions.Connect(registry, options);
    }

    /// <summary>Forgets a registry's settings and tokens; false when it was not connected.</summary>
    public static bool Disconnect(RegistrySessions sessions, string registry) => sessions.Disconnect(registry);

    /// <summary>The registry's repositories (GET /v2/_catalog), every page, as they come.</summary>
    public static IAsyncEnumerable<string> CatalogAsync(string registry, StoreContext context, CancellationToken cancellationToken) =>
        Client(registry, context).CatalogAsync(cancellationToken);

    /// <summary>The tags of a repository named by registry and repository name as typed (no reference parsing), as they come.</summary>
    public static IAsyncEnumerable<string> TagsAsync(string registry, string repository, StoreContext context, CancellationToken cancellationToken) =>
        Client(registry, context).Repository(repository).ListTagsAsync(cancellationToken);

    private static RegistryClient Client(string registry, StoreContext context) => new(registry, context.Sessions, context.Overrides, context.Log);
}
