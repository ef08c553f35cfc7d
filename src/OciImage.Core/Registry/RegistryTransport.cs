using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Registry.Handlers;
using OciImage.Core.Stores;

namespace OciImage.Core.Registry;

/// <summary>
/// Sends requests to one registry through a chain of handlers, composed once per transport (outermost first):
/// <see cref="RedirectHandler"/> (follows redirects for GET and HEAD, at most five), <see cref="RetryHandler"/>
/// (connection failures, timeouts, 429 and 5xx, with backoff honouring Retry-After, out of the request's
/// <see cref="RetryBudget"/>; a refused connection or an unknown host fails fast), <see cref="AuthenticationHandler"/>
/// (bearer tokens from the announced realm, cached per scope and identity and fetched once for parallel requests;
/// or basic; one challenge answered per request), <see cref="LoggingHandler"/> (each attempt: method, URL without
/// query, status, duration, with no credential or token; registry warnings once), with a ledger
/// <see cref="LedgerHandler"/> (each attempt counted, the registry's rate-limit headers kept), <see cref="SlowBodyHandler"/>
/// (a body that stalls fails), <see cref="OriginHandler"/> (secret headers only to the registry's origin, scheme
/// included; no step from https down to http) and <see cref="SharedClientHandler"/> (the process-wide HttpClient, within the
/// request timeout). What a request is (method, URL, scope, headers, body factory, retry, budget) travels with its
/// messages as a <see cref="RegistryRequest"/>.
/// </summary>
internal sealed class RegistryTransport
{
    private readonly HttpMessageInvoker _chain;
    private long _learnedChunkSize;

    public RegistryTransport(string registry, RegistryOptions options, Func<string?, RegistryCredential?> credential, TokenCache tokens, IEngineLog log)
    {
        Registry = registry;
        Options = options;
        Log = log;
        BaseUri = new Uri(SchemeOf(registry, options) + "://" + Reference.EndpointHostOf(registry) + "/");
        var http = HttpClients.For(options.SkipCertificateCheck);

        // A reserve needs the registry's quota even when the verb keeps no ledger: then this transport keeps one.
        Ledger = options.Ledger ?? (options.RateLimitReserve is null ? null : new RequestLedger());
        var handlers = new System.Collections.Generic.List<DelegatingHandler>
        {
            new RedirectHandler(),
            new RetryHandler(registry, options, log),
            new AuthenticationHandler(registry, BaseUri, options, credential, tokens, log, http),
            new LoggingHandler(registry, options, log),
        };
        if (Ledger is not null)
        {
            handlers.Add(new LedgerHandler(registry, BaseUri, Ledger, options.RateLimitReserve is not null, options.Clock));
        }

        handlers.Add(new SlowBodyHandler(registry, options));
        handlers.Add(new OriginHandler(registry, BaseUri, options));
        _chain = new HttpMessageInvoker(Compose(new SharedClientHandler(http, options), handlers.ToArray()), disposeHandler: false);
    }

    /// <summary>Where this transport's requests are counted and the registry's rate limit kept; null when neither is wanted.</summary>
    public RequestLedger? Ledger { get; }

    /// <summary>
    /// The scheme named by the user; else https, or http with -AllowInsecure; else, for loopback (a port-forward
    /// or tunnel may well be TLS), what the port speaks, asked once per port and process before any request.
    /// </summary>
    private static string SchemeOf(string registry, RegistryOptions options)
    {
        var loopback = new HostPort(registry).IsLoopback;
        if (options.Scheme is "https" || (options.Scheme is "http" && (loopback || options.AllowInsecure)))
        {
            return options.Scheme;
        }

        if (!loopback)
        {
            return options.AllowInsecure ? "http" : "https";
        }

        var timeout = options.RequestTimeout < FirstProbeTimeout ? options.RequestTimeout : FirstProbeTimeout;
        return LoopbackTlsProbe.SpeaksTls(registry, timeout) ? "https" : "http";
    }

    /// <summary>
    /// How long the first probe of a port waits for an answer to its ClientHello. A TLS server on this machine
    /// answers in milliseconds; a plain HTTP server may say nothing at all (one that waits for a line end), and
    /// is then taken as plain, once a process, at this cost. A TLS server too slow for it fails its first request
    /// plainly, and that failure asks again with <see cref="ProbeTimeout"/>.
    /// </summary>
    private static readonly TimeSpan FirstProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The longest a loopback port may take to show whether it speaks TLS, once a plain request to it failed.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public string Registry { get; }

    public RegistryOptions Options { get; }

    /// <summary>Where the transport and what sends through it write verbose lines.</summary>
    public IEngineLog Log { get; }

    public Uri BaseUri { get; }

    /// <summary>
    /// The chunk size this registry (or a proxy before it) was seen to take after refusing a larger request with
    /// 413; 0 until then. Later uploads through this transport start with it instead of being refused again.
    /// </summary>
    public long LearnedChunkSize
    {
        get => Interlocked.Read(ref _learnedChunkSize);
        set => Interlocked.Exchange(ref _learnedChunkSize, value);
    }

    /// <summary>
    /// Sends a request and returns the final response (after auth, retries and redirects). The caller disposes it
    /// and maps non-success statuses with <see cref="RegistryResponses"/>.
    /// </summary>
    /// <param name="content">Makes a fresh body for each attempt; null for none. A body that cannot be remade
    /// (a one-shot stream) should be sent with <paramref name="retry"/> false.</param>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        Uri uri,
        string scope,
        CancellationToken cancellationToken,
        Action<HttpRequestMessage>? configure = null,
        Func<HttpContent>? content = null,
        bool retry = true)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Options.RateLimitReserve is not { } reserve || LedgerHandler.KindOf(method, uri) != RequestKind.ManifestGet)
        {
            return await SendCoreAsync(method, uri, scope, cancellationToken, configure, content, retry).ConfigureAwait(false);
        }

        // Before the request, not per attempt: one already started finishes, retries included.
        Ledger!.StartManifestGet(Registry, reserve);
        try
        {
            return await SendCoreAsync(method, uri, scope, cancellationToken, configure, content, retry).ConfigureAwait(false);
        }
        finally
        {
            Ledger.EndManifestGet(Registry);
        }
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, Uri uri, string scope, CancellationToken cancellationToken,
        Action<HttpRequestMessage>? configure, Func<HttpContent>? content, bool retry)
    {
        // Retries come out of the budget of the request under way (a blob transfer), else out of one of its own.
        var budget = RetryBudget.Current ?? new RetryBudget();
        budget.Observe(Options.MaximumRetryCount, Options.RetryInterval, Options.MaximumRetryDelay, Options.Clock, Ledger);
        var request = new RegistryRequest(method, uri, scope, budget, configure, content, retry);
        using var message = request.NewMessage(uri);
        HttpResponseMessage response;
        try
        {
            response = await _chain.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryUnreachableException ex) when (IsPlainLoopback)
        {
            // What listens on the port may have changed since it was asked; and plain HTTP to a TLS port fails so.
            LoopbackTlsProbe.Forget(Registry);
            if (SpeaksTlsNow())
            {
                throw new RegistryUnreachableException(Registry, TlsHint(ex.InnerException is { } inner ? TransportFailure.Innermost(inner) : "no answer"), ex);
            }

            throw;
        }

        if (response.StatusCode == System.Net.HttpStatusCode.BadRequest && IsPlainLoopback && SpeaksTlsNow())
        {
            // Go's TLS servers (the CNCF registry among them) answer plain HTTP with a bare 400.
            response.Dispose();
            throw new RegistryUnreachableException(Registry, TlsHint($"{method} {Show(uri)} answered HTTP 400"));
        }

        return response;
    }

    private bool IsPlainLoopback => BaseUri.Scheme == Uri.UriSchemeHttp && new HostPort(Registry).IsLoopback;

    private bool SpeaksTlsNow() => LoopbackTlsProbe.Probe(Registry, Options.RequestTimeout < ProbeTimeout ? Options.RequestTimeout : ProbeTimeout) == true;

    private string TlsHint(string what) =>
        $"{what}: this port speaks TLS, and the request went in plain HTTP; name the scheme (Connect-OciRegistry https://{Registry}), with -SkipCertificateCheck for a self-signed certificate";

    /// <summary>Links handlers, the first outermost, the terminal handler innermost (a chain already so linked is left as it is).</summary>
    internal static HttpMessageHandler Compose(HttpMessageHandler terminal, params DelegatingHandler[] handlers)
    {
        var inner = terminal;
        for (var i = handlers.Length - 1; i >= 0; i--)
        {
            if (!ReferenceEquals(handlers[i].InnerHandler, inner))
            {
                handlers[i].InnerHandler = inner;
            }

            inner = handlers[i];
        }

        return inner;
    }

    /// <summary>A URL on this registry from a path (and query) like v2/NAME/tags/list?n=100.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>For messages: scheme, host and path, never the query (upload state, signatures).</summary>
    public static string Show(Uri uri) => uri.GetLeftPart(UriPartial.Path);
}
