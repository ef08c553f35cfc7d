using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// Counts every attempt into the run's <see cref="RequestLedger"/> by what the request is (its method and the
/// path the caller asked for, so a redirect hop to storage counts as the blob GET it serves), counts 429 answers,
/// and keeps the rate limit the registry's own origin announces (a storage host's headers are not the
/// registry's). Sits next to the wire, beside the logging, so retries and answers to a challenge each count.
/// </summary>
internal sealed class LedgerHandler : DelegatingHandler
{
    private readonly string _registry;
    private readonly Origin _origin;
    private readonly RequestLedger _ledger;
    private readonly bool _reserved;
    private readonly EngineClock _clock;

    /// <param name="reserved">A reserve is kept: each manifest GET is counted in flight by the transport until it ends.</param>
    public LedgerHandler(string registry, Uri baseUri, RequestLedger ledger, bool reserved, EngineClock clock)
    {
        _reserved = reserved;
        _registry = registry;
        _origin = Origin.Of(baseUri);
        _ledger = ledger;
        _clock = clock;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var kind = KindOf(request.Method, RegistryRequest.Of(request).Uri);
        _ledger.Record(_registry, kind);
        var sent = _ledger.Sending(_registry);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if ((int)response.StatusCode == 429)
        {
            _ledger.RecordTooManyRequests();
        }

        if (Origin.Of(request.RequestUri!) == _origin && RateLimitState.Parse(_registry, response.Headers, _clock.UtcNow) is { } state)
        {
            _ledger.Observe(state, sent, ownGetInFlight: _reserved && kind == RequestKind.ManifestGet);
        }

        return response;
    }

    /// <summary>The kind of a request: its method, and where under /v2/ its (first) URL points.</summary>
    internal static RequestKind KindOf(HttpMethod method, Uri uri)
    {
        var path = uri.AbsolutePath;
        if (method == HttpMethod.Put || method == HttpMethod.Post || method.Method == "PATCH")
        {
            return RequestKind.Write;
        }

        if (method == HttpMethod.Delete)
        {
            return RequestKind.Delete;
        }

        var head = method == HttpMethod.Head;
        if (!head && method != HttpMethod.Get)
        {
            return RequestKind.Other;
        }

        if (Last(path, "/manifests/") is not null)
        {
            return head ? RequestKind.ManifestHead : RequestKind.ManifestGet;
        }

        if (Last(path, "/blobs/") is { } blob && blob != "uploads")
        {
            return head ? RequestKind.BlobHead : RequestKind.BlobGet;
        }

        return RequestKind.Other;
    }

    /// <summary>
    /// The last path segment when it follows <paramref name="segment"/> (/v2/NAME/manifests/REF gives REF), else
    /// null: a repository named like "x/manifests/y" is not taken for a manifest by its tag list.
    /// </summary>
    private static string? Last(string path, string segment)
    {
        var at = path.LastIndexOf(segment, StringComparison.Ordinal);
        if (!path.StartsWith("/v2/", StringComparison.Ordinal) || at < 4)
        {
            return null;
        }

        var rest = path.Substring(at + segment.Length);
        return rest.Length > 0 && rest.IndexOf('/') < 0 ? rest : null;
    }
}
