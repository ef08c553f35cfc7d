using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry;

/// <summary>
/// Sends requests to one registry: picks the scheme, authenticates (bearer tokens from the announced realm,
/// cached per scope and fetched once for parallel requests; or basic), retries connection failures, 429 and 5xx
/// with backoff honouring Retry-After out of the request's <see cref="RetryBudget"/>,
/// follows redirects without sending the registry's Authorization to another host, and logs each request
/// (method, URL without query, status, duration) with no credential or token.
/// </summary>
public sealed class RegistryTransport
{
    private readonly HttpClient _http;
    private readonly TokenCache _tokens;
    private readonly IEngineLog _log;
    private readonly HashSet<string> _warningsShown = new();
    private readonly Func<string?, RegistryCredential?> _credential;
    private volatile bool _useBasic;

    public RegistryTransport(string registry, RegistryOptions options, Func<string?, RegistryCredential?> credential, TokenCache tokens, IEngineLog log)
    {
        Registry = registry;
        Options = options;
        _credential = credential;
        _tokens = tokens;
        _log = log;
        var host = new HostPort(registry);
        var plain = host.IsLoopback || options.AllowInsecure;
        BaseUri = new Uri((plain ? "http://" : "https://") + Reference.EndpointHostOf(registry) + "/");
        _http = HttpClients.For(options.SkipCertificateCheck);
    }

    public string Registry { get; }

    public RegistryOptions Options { get; }

    public Uri BaseUri { get; }

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
        // Retries come out of the budget of the request under way (a blob transfer), else out of one of its own.
        var budget = RetryBudget.Current ?? new RetryBudget();
        budget.Observe(Options);

        // Credentials are looked up (a credential helper may run) only once the registry has asked for them.
        RegistryCredential? credential = null;
        var looked = false;
        RegistryCredential? Credential()
        {
            if (!looked)
            {
                credential = _credential(RepositoryOf(scope));
                looked = true;
            }

            return credential;
        }

        var authenticated = false;
        string? freshToken = null;
        var redirects = 0;
        var target = uri;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sameHost = string.Equals(target.Authority, BaseUri.Authority, StringComparison.OrdinalIgnoreCase);
            string? sentToken = null;
            if (sameHost && freshToken is null && !_useBasic && _tokens.Challenge(Registry) is { } known)
            {
                sentToken = await KnownTokenAsync(known, scope, Credential(), cancellationToken).ConfigureAwait(false);
            }

            using var request = new HttpRequestMessage(method, target);
            if (target.Scheme == Uri.UriSchemeHttps)
            {
                request.Version = new Version(2, 0);
            }

            configure?.Invoke(request);
            if (content is not null)
            {
                request.Content = content();
            }

            if (sameHost)
            {
                if (_useBasic && Credential() is { IsIdentityToken: false } basic)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicValue(basic));
                }
                else if ((freshToken ?? sentToken) is { } token)
                {
                    // A token just fetched is used for the request it was fetched for, however short its life.
                    sentToken = token;
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
            }

            freshToken = null;
            HttpResponseMessage response;
            var clock = Stopwatch.StartNew();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.RequestTimeout);
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && (ex is HttpRequestException || ex is OperationCanceledException || ex is System.IO.IOException))
            {
                var reason = ex is OperationCanceledException ? $"no answer within {Options.RequestTimeout.TotalSeconds:0} s" : Innermost(ex);
                _log.Verbose($"{method} {Show(target)} failed: {reason} ({clock.ElapsedMilliseconds} ms)");
                if (retry && await budget.TryRetryAsync(_log, null, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }

                throw new RegistryUnreachableException(Registry, reason, ex);
            }

            _log.Verbose($"{method} {Show(target)} {(int)response.StatusCode} ({clock.ElapsedMilliseconds} ms)");
            if (response.Content is not null)
            {
                response.Content = new SlowBodyGuardContent(response.Content, Registry, Options.SlowBodyMinimumBytes, Options.SlowBodyWindow);
            }

            ShowWarnings(response);

            if (response.StatusCode == HttpStatusCode.Unauthorized && sameHost)
            {
                var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                if (!authenticated)
                {
                    authenticated = true;
                    if (challenge is not null)
                    {
                        var answer = await AuthenticateAsync(challenge, scope, Credential(), sentToken, cancellationToken).ConfigureAwait(false);
                        if (answer is not null)
                        {
                            response.Dispose();
                            freshToken = answer.Length > 0 ? answer : null;
                            continue;
                        }
                    }
                }
                else if (Credential() is { } signedIn && challenge?.Error == "insufficient_scope")
                {
                    // Signed in, and the token server granted less than asked: a permission, not a password, problem.
                    response.Dispose();
                    throw new AccessDeniedException(DescribeScope(scope),
                        $"{Registry} answered insufficient_scope to {signedIn.UserName} for {method} {Show(target)} (some registries, Docker Hub among them, answer so for a repository that does not exist, too)");
                }

                return response;
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location && (method == HttpMethod.Get || method == HttpMethod.Head))
            {
                response.Dispose();
                if (++redirects > 5)
                {
                    throw new RegistryErrorException($"{method} {Show(uri)}", 310, null, "more than 5 redirects");
                }

                target = location.IsAbsoluteUri ? location : new Uri(target, location);
                continue;
            }

            var status = (int)response.StatusCode;
            if (retry && (status == 429 || (status >= 500 && status != 501 && status != 505)))
            {
                var retryAfter = RetryAfter(response);
                if (await budget.TryRetryAsync(_log, retryAfter, cancellationToken).ConfigureAwait(false))
                {
                    response.Dispose();
                    continue;
                }
            }

            if (status == 429)
            {
                response.Dispose();
                throw new TooManyRequestsException(Registry);
            }

            return response;
        }
    }

    /// <summary>A URL on this registry from a path (and query) like v2/NAME/tags/list?n=100.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>For messages: scheme, host and path, never the query (upload state, signatures).</summary>
    public static string Show(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    /// <summary>
    /// The token to send before any 401: a cached one, or, once the registry has shown its Bearer realm, one
    /// fetched now, so that every request after the first is not refused once before it is served.
    /// </summary>
    private async Task<string?> KnownTokenAsync(AuthChallenge challenge, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        if (_tokens.Get(Registry, TokenKey(scope, credential)) is { } cached)
        {
            return cached;
        }

        if (scope.Length == 0)
        {
            return null;
        }

        return await TokenAsync(challenge, scope, credential, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tokens are kept per scope and per identity: one user's token never serves another's request.</summary>
    private static string TokenKey(string scope, RegistryCredential? credential) => scope + "|" + (credential?.UserName ?? string.Empty);

    /// <summary>"repository:team/app:pull,push repository:team/base:pull" names team/app; null for registry-wide scopes.</summary>
    private static string? RepositoryOf(string scope)
    {
        var first = scope.Split(' ')[0];
        if (!first.StartsWith("repository:", StringComparison.Ordinal))
        {
            return null;
        }

        var last = first.LastIndexOf(':');
        return last > "repository:".Length ? first.Substring("repository:".Length, last - "repository:".Length) : null;
    }

    private string DescribeScope(string scope) => RepositoryOf(scope) is { } repository
        ? $"{Registry}/{repository} ({scope.Split(' ')[0].Substring(scope.Split(' ')[0].LastIndexOf(':') + 1)})"
        : Registry;

    /// <summary>
    /// Answers a challenge: a bearer token for the scope (returned), or basic auth from now on (an empty
    /// string); null when the challenge cannot be answered.
    /// </summary>
    private async Task<string?> AuthenticateAsync(AuthChallenge challenge, string scope, RegistryCredential? credential, string? refused, CancellationToken cancellationToken)
    {
        if (challenge.IsBasic)
        {
            if (credential is null || credential.IsIdentityToken)
            {
                return null;
            }

            _log.Verbose($"{Registry} asks for basic auth; using the credentials of {credential}.");
            _useBasic = true;
            return string.Empty;
        }

        if (!challenge.IsBearer || challenge.Realm is null || !Uri.TryCreate(challenge.Realm, UriKind.Absolute, out _))
        {
            return null;
        }

        _tokens.RememberChallenge(Registry, challenge);
        _useBasic = false;
        return await TokenAsync(challenge, scope.Length > 0 ? scope : challenge.Scope ?? string.Empty, credential, refused, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A token for a scope from the realm of a challenge; parallel requests for one scope share one fetch.</summary>
    private Task<string> TokenAsync(AuthChallenge challenge, string scope, RegistryCredential? credential, string? refused, CancellationToken cancellationToken)
    {
        var realm = new Uri(challenge.Realm!);

        // Credentials go only to the realm the registry announced, and never in clear text to another machine.
        var realmIsSafe = realm.Scheme == Uri.UriSchemeHttps || new HostPort(realm.Authority).IsLoopback || Options.AllowInsecure;
        var sent = credential;
        if (credential is not null && !realmIsSafe)
        {
            _log.Warning($"{Registry} announced a token realm over plain HTTP ({realm.Host}); asking it anonymously rather than sending credentials in clear text.");
            sent = null;
        }

        var scopes = scope.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        return _tokens.GetOrFetchAsync(Registry, TokenKey(scope, credential), refused,
            () => FetchTokenAsync(realm, challenge.Service, scopes, sent, cancellationToken));
    }

    private async Task<(string Token, TimeSpan Lifetime)> FetchTokenAsync(Uri realm, string? service, string[] scopes, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        HttpRequestMessage request;
        if (credential is { IsIdentityToken: true })
        {
            var form = new List<KeyValuePair<string, string>>
            {
                new("grant_type", "refresh_token"),
                new("refresh_token", credential.Secret),
                new("client_id", "ociimage"),
            };
            if (service is not null)
            {
                form.Add(new("service", service));
            }

            form.Add(new("scope", string.Join(" ", scopes)));
            request = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }
        else
        {
            var query = new StringBuilder();
            if (service is not null)
            {
                query.Append("service=").Append(Uri.EscapeDataString(service));
            }

            foreach (var s in scopes)
            {
                query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(s));
            }

            var builder = new UriBuilder(realm);
            var existing = builder.Query.TrimStart('?');
            builder.Query = existing.Length > 0 ? existing + "&" + query : query.ToString();
            request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
            if (credential is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicValue(credential));
            }
        }

        using (request)
        {
            var clock = Stopwatch.StartNew();
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new UnauthorizedException(Registry, $"its token server {Show(realm)} cannot be reached ({Innermost(ex)})");
            }

            using (response)
            {
                _log.Verbose($"{request.Method} {Show(realm)} {(int)response.StatusCode} ({clock.ElapsedMilliseconds} ms, token for {string.Join(" ", scopes)})");
                if (!response.IsSuccessStatusCode)
                {
                    var who = credential is null ? "anonymous access" : $"the credentials of {credential.UserName}";
                    throw new UnauthorizedException(Registry, $"its token server {Show(realm)} refused {who} (HTTP {(int)response.StatusCode})");
                }

                var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                try
                {
                    using var doc = JsonDocument.Parse(body);
                    var root = doc.RootElement;
                    var token = root.TryGetProperty("token", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()
                        : root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                    if (string.IsNullOrEmpty(token))
                    {
                        throw new UnauthorizedException(Registry, $"its token server {Show(realm)} answered without a token");
                    }

                    var seconds = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var s) && s > 0 ? s : 60;
                    return (token!, TimeSpan.FromSeconds(seconds));
                }
                catch (JsonException)
                {
                    throw new UnauthorizedException(Registry, $"its token server {Show(realm)} answered something that is not JSON");
                }
            }
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private void ShowWarnings(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Warning", out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            // Warning: 299 - "text" ; show the text once per session of this transport.
            var first = value.IndexOf('"');
            var last = value.LastIndexOf('"');
            var text = first >= 0 && last > first ? value.Substring(first + 1, last - first - 1) : value;
            lock (_warningsShown)
            {
                if (_warningsShown.Add(text))
                {
                    _log.Warning($"{Registry}: {text}");
                }
            }
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static string BasicValue(RegistryCredential credential) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Secret));

    private static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }
}
