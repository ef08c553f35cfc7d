using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// Authenticates requests to the registry's own host, and only those: a bearer token known for the scope and
/// identity (cached, or fetched before any 401 once the registry has shown its realm, one fetch for parallel
/// requests), or basic auth once the registry asked for it. Answers one 401 challenge per request (a token from
/// the announced realm, credentials sent to it only over https or loopback; or basic) and sends again with a
/// fresh message; a second 401 with insufficient_scope for a signed-in user is <see cref="AccessDeniedException"/>.
/// Credentials are looked up (a helper may run) only once the registry has asked for them. Sits inside the
/// redirect and retry handlers, so every hop and attempt is authenticated afresh.
/// </summary>
internal sealed class AuthenticationHandler : DelegatingHandler
{
    private readonly string _registry;
    private readonly Origin _origin;
    private readonly RegistryOptions _options;
    private readonly Func<string?, RegistryCredential?> _credential;
    private readonly TokenCache _tokens;
    private readonly IEngineLog _log;
    private readonly HttpClient _tokenClient;
    private volatile bool _useBasic;

    /// <param name="baseUri">The registry's own endpoint: only its origin (scheme, host and port) gets credentials.</param>
    /// <param name="tokenClient">Sends the requests to the token realm.</param>
    public AuthenticationHandler(string registry, Uri baseUri, RegistryOptions options, Func<string?, RegistryCredential?> credential,
        TokenCache tokens, IEngineLog log, HttpClient tokenClient)
    {
        _registry = registry;
        _origin = Origin.Of(baseUri);
        _options = options;
        _credential = credential;
        _tokens = tokens;
        _log = log;
        _tokenClient = tokenClient;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.RequestUri!;
        if (Origin.Of(target) != _origin)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var context = RegistryRequest.Of(request);
        var message = request;
        string? freshToken = null;
        var sending = false;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                string? sentToken = null;
                if (freshToken is null && !_useBasic && _tokens.Challenge(_registry) is { } known)
                {
                    sentToken = await KnownTokenAsync(known, context.Scope, Credential(context), cancellationToken).ConfigureAwait(false);
                }

                if (_useBasic && Credential(context) is { IsIdentityToken: false } basic)
                {
                    message.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicValue(basic));
                }
                else if ((freshToken ?? sentToken) is { } token)
                {
                    // A token just fetched is used for the request it was fetched for, however short its life.
                    sentToken = token;
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                freshToken = null;
                sending = true;
                var response = await base.SendAsync(message, cancellationToken).ConfigureAwait(false);
                sending = false;
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    return response;
                }

                var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
                if (!context.Authenticated)
                {
                    context.Authenticated = true;
                    if (challenge is not null)
                    {
                        var answer = await AuthenticateAsync(challenge, context, sentToken, cancellationToken).ConfigureAwait(false);
                        if (answer is not null)
                        {
                            response.Dispose();
                            freshToken = answer.Length > 0 ? answer : null;
                            if (!ReferenceEquals(message, request))
                            {
                                message.Dispose();
                            }

                            message = context.NewMessage(target);
                            continue;
                        }
                    }
                }
                else if (Credential(context) is { } signedIn && challenge?.Error == "insufficient_scope")
                {
                    // Signed in, and the token server granted less than asked: a permission, not a password, problem.
                    response.Dispose();
                    throw new AccessDeniedException(DescribeScope(context.Scope),
                        $"{_registry} answered insufficient_scope to {signedIn.UserName} for {context.Method} {RegistryTransport.Show(target)} (some registries, Docker Hub among them, answer so for a repository that does not exist, too)");
                }

                return response;
            }
        }
        catch (Exception ex) when (!sending && ex is not TokenServerUnavailableException && TransportFailure.NotOfTheWire(ex))
        {
            // Never reached: the filter only marks what this handler's own work (credentials, tokens) threw, so
            // that the retry handler above passes it on as it is instead of retrying it.
            throw;
        }
        finally
        {
            if (!ReferenceEquals(message, request))
            {
                message.Dispose();
            }
        }
    }

    private RegistryCredential? Credential(RegistryRequest context) => context.Credential(_credential);

    /// <summary>
    /// The token to send before any 401: a cached one, or, once the registry has shown its Bearer realm, one
    /// fetched now, so that every request after the first is not refused once before it is served.
    /// </summary>
    private async Task<string?> KnownTokenAsync(AuthChallenge challenge, string scope, RegistryCredential? credential, CancellationToken cancellationToken)
    {
        if (_tokens.Get(_registry, TokenKey(scope, credential)) is { } cached)
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
    /// <remarks>
    /// The key holds a fingerprint of the secret too, so a token fetched with the right password never serves the
    /// same user name with a wrong one. Only the fingerprint is kept (a SHA-256 prefix, in memory), never the secret.
    /// </remarks>
    private static string TokenKey(string scope, RegistryCredential? credential) =>
        scope + "|" + (credential is null ? string.Empty : credential.UserName + "|" + Fingerprint(credential.Secret));

    private static string Fingerprint(string secret)
    {
        using var sha = System.Security.Cryptography.SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(secret));
        return BitConverter.ToString(hash, 0, 8).Replace("-", string.Empty);
    }

    private string DescribeScope(string scope) => RegistryRequest.RepositoryOf(scope) is { } repository
        ? $"{_registry}/{repository} ({scope.Split(' ')[0].Substring(scope.Split(' ')[0].LastIndexOf(':') + 1)})"
        : _registry;

    /// <summary>
    /// Answers a challenge: a bearer token for the scope (returned), or basic auth from now on (an empty
    /// string); null when the challenge cannot be answered.
    /// </summary>
    private async Task<string?> AuthenticateAsync(AuthChallenge challenge, RegistryRequest context, string? refused, CancellationToken cancellationToken)
    {
        var credential = Credential(context);
        if (challenge.IsBasic)
        {
            if (credential is null || credential.IsIdentityToken)
            {
                return null;
            }

            _log.Verbose($"{_registry} asks for basic auth; using the credentials of {credential}.");
            _useBasic = true;
            return string.Empty;
        }

        if (!challenge.IsBearer || challenge.Realm is null)
        {
            return null;
        }

        if (!Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm) || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
        {
            // A file:, ftp: or relative realm is no token server: nothing is fetched from it.
            throw new UnauthorizedException(_registry, $"it announced a token realm that is not an http or https URL ({Shorten(challenge.Realm)})");
        }

        _tokens.RememberChallenge(_registry, challenge);
        _useBasic = false;
        var scope = context.Scope;
        return await TokenAsync(challenge, scope.Length > 0 ? scope : challenge.Scope ?? string.Empty, credential, refused, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A token for a scope from the realm of a challenge; parallel requests for one scope share one fetch.</summary>
    private Task<string> TokenAsync(AuthChallenge challenge, string scope, RegistryCredential? credential, string? refused, CancellationToken cancellationToken)
    {
        var realm = new Uri(challenge.Realm!);

        // Credentials go only to the realm the registry announced, and never in clear text to another machine.
        var realmIsSafe = realm.Scheme == Uri.UriSchemeHttps || new HostPort(realm.Authority).IsLoopback || _options.AllowInsecure;
        var sent = credential;
        if (credential is not null && !realmIsSafe)
        {
            _log.Warning($"{_registry} announced a token realm over plain HTTP ({realm.Host}); asking it anonymously rather than sending credentials in clear text.");
            sent = null;
        }

        var scopes = scope.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        return _tokens.GetOrFetchAsync(_registry, TokenKey(scope, credential), refused,
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

        // The whole exchange, headers and body, within the request timeout; the body also under the slow-body guard.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using (request)
        {
            var clock = Stopwatch.StartNew();
            HttpResponseMessage response;
            _options.Ledger?.Record(_registry, RequestKind.Token);
            try
            {
                response = await _tokenClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (TransportFailure.Is(ex, cancellationToken))
            {
                throw new TokenServerUnavailableException($"its token server {RegistryTransport.Show(realm)} cannot be reached ({TransportFailure.Reason(ex, _options)})");
            }

            using (response)
            {
                _log.Verbose($"{request.Method} {RegistryTransport.Show(realm)} {(int)response.StatusCode} ({clock.ElapsedMilliseconds} ms, token for {string.Join(" ", scopes)})");
                var status = (int)response.StatusCode;
                if (status == 429 || (status >= 500 && status != 501 && status != 505))
                {
                    // Busy or down for a moment, not a refusal: the request is tried again within its retry budget.
                    throw new TokenServerUnavailableException($"its token server {RegistryTransport.Show(realm)} answered HTTP {status}");
                }

                if (!response.IsSuccessStatusCode)
                {
                    var who = credential is null ? "anonymous access" : $"the credentials of {credential.UserName}";
                    throw new UnauthorizedException(_registry, $"its token server {RegistryTransport.Show(realm)} refused {who} (HTTP {(int)response.StatusCode})");
                }

                var body = await ReadTokenAnswerAsync(response, realm, timeout.Token, cancellationToken).ConfigureAwait(false);
                var answer = TokenAnswer.Parse(body, (reason, inner) => new UnauthorizedException(_registry, $"its token server {RegistryTransport.Show(realm)} answered something that is not a token answer ({reason})"));
                if (answer.Value is not { } token)
                {
                    throw new UnauthorizedException(_registry, $"its token server {RegistryTransport.Show(realm)} answered without a token");
                }

                return (token, answer.Lifetime);
            }
        }
    }

    /// <summary>A token answer, read whole up to <see cref="MaximumTokenAnswer"/> within the token request's deadline.</summary>
    private async Task<byte[]> ReadTokenAnswerAsync(HttpResponseMessage response, Uri realm, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var content = new SlowBodyGuardContent(response.Content, _registry, _options.SlowBodyMinimumBytes, _options.SlowBodyWindow, _options.Clock);
        try
        {
            using (deadline.Register(response.Dispose))
            {
                return await Limits.ReadBoundedAsync(content, MaximumTokenAnswer, _registry, "token answer").ConfigureAwait(false);
            }
        }
        catch (ManifestTooLargeException)
        {
            throw new UnauthorizedException(_registry, $"its token server {RegistryTransport.Show(realm)} answered more than {MaximumTokenAnswer / 1024} KiB, which no token needs");
        }
        catch (Exception ex) when (ex is RegistryUnreachableException or ObjectDisposedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // Stalled, trickling past the deadline, or cut: unavailable for now, asked again within the retry budget.
            var why = deadline.IsCancellationRequested ? $"no whole answer within {_options.RequestTimeout.TotalSeconds:0} s"
                : ex is RegistryUnreachableException { InnerException: OperationCanceledException } ? $"the answer stalled: less than {_options.SlowBodyMinimumBytes} bytes in {_options.SlowBodyWindow.TotalSeconds:0.#} s"
                : TransportFailure.Innermost(ex);
            throw new TokenServerUnavailableException($"its token server {RegistryTransport.Show(realm)} did not answer in full ({why})");
        }
    }

    /// <summary>Token answers are a few KiB (a JWT and its expiry); larger ones are refused, like other documents.</summary>
    internal const int MaximumTokenAnswer = 1024 * 1024;

    private static string Shorten(string text) => text.Length > 100 ? text.Substring(0, 100) + "…" : text;

    private static string BasicValue(RegistryCredential credential) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Secret));
}
