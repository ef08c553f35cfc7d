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

    /// <summary>Follows Link rel="next" pages of a list answer, yielding the strings of one array property.</summary>
    internal async IAsyncEnumerable<string> PagesAsync(string first, string scope, string property, string what, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Uri? next = Transport.Url(first);
        var pages = 0;
        while (next is not null)
        {
            if (!seen.Add(next.ToString()) || ++pages > MaxPages)
            {
                throw new Errors.RegistryErrorException(what, 200, null, "the registry's Link headers go round in a loop; stopped");
            }

            List<string> items;
            Uri? following;
            using (var response = await Transport.SendAsync(HttpMethod.Get, next, scope, cancellationToken).ConfigureAwait(false))
            {
                await RegistryResponses.EnsureSuccessAsync(response, Registry, what, cancellationToken).ConfigureAwait(false);
                items = await ReadListAsync(response, Registry, property, what).ConfigureAwait(false);
                following = NextLink(response, next);
            }

            foreach (var item in items)
            {
                yield return item;
            }

            next = following;
        }
    }

    private static async Task<List<string>> ReadListAsync(HttpResponseMessage response, string registry, string property, string what)
    {
        var bytes = await Limits.ReadBoundedAsync(response.Content, 16 * 1024 * 1024, registry, what).ConfigureAwait(false);
        var page = Model.OciJson.Read<NameList>(bytes, (reason, inner) => new Errors.InvalidManifestException(what, "the list is not of the spec's shape: " + reason, inner));
        var names = property == "tags" ? page.Tags : page.Repositories;
        return names?.Select(n => n!).ToList() ?? new List<string>();
    }

    /// <summary>
    /// Whether a link's parameters say rel next: quoted or not, among other relation types (RFC 8288). A next page
    /// missed ends the listing early, and a listing read to its end is taken as every tag (a referrers fallback
    /// tag not in it is taken as absent).
    /// </summary>
    private static bool IsNext(string parameters)
    {
        foreach (var parameter in parameters.Split(';'))
        {
            var equals = parameter.IndexOf('=');
            if (equals > 0 && parameter.Substring(0, equals).Trim().Equals("rel", StringComparison.OrdinalIgnoreCase)
                && parameter.Substring(equals + 1).Trim().Trim('"').Split(' ').Any(r => r.Equals("next", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Link: &lt;/v2/x/tags/list?last=a&amp;n=100&gt;; rel="next"</summary>
    private static Uri? NextLink(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            foreach (var part in value.Split(','))
            {
                var open = part.IndexOf('<');
                var close = part.IndexOf('>');
                if (open >= 0 && close > open && IsNext(part.Substring(close + 1)))
                {
                    var link = part.Substring(open + 1, close - open - 1);
                    var uri = Uri.TryCreate(link, UriKind.RelativeOrAbsolute, out var parsed) ? parsed : null;
                    if (uri is null)
                    {
                        return null;
                    }

                    var absolute = uri.IsAbsoluteUri ? uri : new Uri(current, uri);

                    // Pages stay on the registry; a link elsewhere is not followed with our credentials.
                    return string.Equals(absolute.Authority, current.Authority, StringComparison.OrdinalIgnoreCase) ? absolute : null;
                }
            }
        }

        return null;
    }
}
