using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry;

/// <summary>One registry: its transport (auth, retries, logging), the registry-wide calls, and its repositories.</summary>
internal sealed class RegistryClient
{
    /// <summary>At most this many pages of a tag list or catalog, so a Link loop cannot go on forever.</summary>
    public const int MaxPages = 10_000;

    public RegistryClient(string registry, RegistrySessions sessions, RegistryOptions? overrides, IEngineLog log)
    {
        var options = sessions.OptionsFor(registry, overrides);
        var credentials = new ConcurrentDictionary<string, RegistryCredential?>(StringComparer.Ordinal);

        // Looked up per repository (docker config keys may name one), once, and only when the registry asks.
        Transport = new RegistryTransport(registry, options,
            repository => credentials.GetOrAdd(repository ?? string.Empty, r => sessions.CredentialFor(registry, r.Length == 0 ? null : r, options, log)),
            sessions.Tokens, log);
    }

    public RegistryTransport Transport { get; }

    public string Registry => Transport.Registry;

    public RegistryStore Repository(string repository) => new(this, repository);

    /// <summary>GET /v2/: checks the registry answers and the credentials are accepted.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        using var response = await Transport.SendAsync(HttpMethod.Get, Transport.Url("v2/"), string.Empty, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new Errors.NotARegistryException(Registry, 404);
        }

        await RegistryResponses.EnsureSuccessAsync(response, Registry, Registry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The repositories of the registry (GET /v2/_catalog, every page).</summary>
    public IAsyncEnumerable<string> CatalogAsync(CancellationToken cancellationToken) =>
        PagesAsync("v2/_catalog?n=1000", "registry:catalog:*", "repositories", $"the catalog of {Registry}", cancellationToken);

    /// <summary>
    /// Follows Link rel="next" pages of a list answer, yielding the strings of one array property. A loop or more
    /// than <see cref="MaxPages"/> pages is an error (the pages never end); a next page that is refused (another
    /// origin, not a URL) ends the listing with a warning, and <paramref name="listing"/> says it is not complete.
    /// </summary>
    internal async IAsyncEnumerable<string> PagesAsync(string first, string scope, string property, string what, [EnumeratorCancellation] CancellationToken cancellationToken, PageListing? listing = null)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Uri? next = Transport.Url(first);
        var pages = 0;
        var names = 0;
        while (next is not null)
        {
            if (!seen.Add(next.ToString()) || ++pages > MaxPages)
            {
                throw new Errors.RegistryErrorException(what, 200, null, "the registry's Link headers go round in a loop; stopped");
            }

            List<string> items;
            PageLink following;
            using (var response = await Transport.SendAsync(HttpMethod.Get, next, scope, cancellationToken).ConfigureAwait(false))
            {
                await RegistryResponses.EnsureSuccessAsync(response, Registry, what, cancellationToken).ConfigureAwait(false);
                items = await ReadListAsync(response, Registry, property, what).ConfigureAwait(false);
                following = PageLink.Of(response, next);
            }

            foreach (var item in items)
            {
                yield return item;
            }

            names += items.Count;
            if (following.Refused is { } refused)
            {
                listing?.Stopped(refused);
                Transport.Log.Warning($"Listing {what} stopped after {pages} page(s) ({names} name(s)): {refused}. The listing is partial; "
                    + "what the registry lists past that page is missing from it, and nothing is taken as absent because it is not listed.");
                yield break;
            }

            next = following.Next;
        }

        listing?.Finished();
    }

    private static async Task<List<string>> ReadListAsync(HttpResponseMessage response, string registry, string property, string what)
    {
        var bytes = await Limits.ReadBoundedAsync(response.Content, 16 * 1024 * 1024, registry, what).ConfigureAwait(false);
        var page = Model.OciJson.Read<NameList>(bytes, (reason, inner) => new Errors.InvalidManifestException(what, "the list is not of the spec's shape: " + reason, inner));
        var names = property == "tags" ? page.Tags : page.Repositories;
        return names?.Select(n => n!).ToList() ?? new List<string>();
    }
}
