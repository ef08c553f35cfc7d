using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using OciImage.Core.Registry.Handlers;
using OciImage.Core.Stores;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Each handler of the registry transport's chain alone (or with the one it cooperates with), over a fake inner
/// handler: no network, no registry process. Delays are recorded by the options' injected delay, never waited.
/// </summary>
public sealed class TransportHandlerTests
{
    private const string Registry = "127.0.0.1:5000";
    private const string Scope = "repository:team/app:pull";
    private static readonly Uri Base = new("http://127.0.0.1:5000/");
    private static readonly Uri Blob = new(Base, "v2/team/app/blobs/sha256:abc");

    [Fact]
    public async Task RetryHandlerRetriesA503AndA429WithBackoffAndRetryAfterEachWithAFreshBody()
    {
        var fake = new FakeServer((request, n) => n switch
        {
            1 => Answer(HttpStatusCode.ServiceUnavailable),
            2 => Answer((HttpStatusCode)429, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))),
            _ => Answer(HttpStatusCode.Created),
        });
        var (options, delays) = Options(maximumRetryCount: 4);
        var bodies = 0;
        var request = Request(HttpMethod.Put, Blob, options, content: () => new StringContent($"body {++bodies}"));

        using var response = await Send(request, fake, new RetryHandler(Registry, options, new RecordingLog()));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(new[] { "body 1", "body 2", "body 3" }, fake.Seen.Select(s => s.Body));
        Assert.Equal(new[] { 1.0, 7.0 }, delays.Select(d => d.TotalSeconds));
        Assert.Equal(2, request.Budget.RetriesTaken);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    public async Task RetryHandlerStopsWhenTheBudgetIsSpentAndALeftOver429IsTooManyRequests(int maximumRetryCount, int attempts)
    {
        var fake = new FakeServer((_, _) => Answer((HttpStatusCode)429));
        var (options, delays) = Options(maximumRetryCount);

        await Assert.ThrowsAsync<TooManyRequestsException>(() => Send(Request(HttpMethod.Get, Blob, options), fake, new RetryHandler(Registry, options, new RecordingLog())));

        Assert.Equal(attempts, fake.Seen.Count);
        Assert.Equal(Enumerable.Range(0, maximumRetryCount).Select(i => Math.Pow(2, i)), delays.Select(d => d.TotalSeconds));
    }

    [Theory]
    [InlineData(501)]
    [InlineData(505)]
    [InlineData(404)]
    public async Task RetryHandlerDoesNotRetryWhatWaitingDoesNotMend(int status)
    {
        var fake = new FakeServer((_, _) => Answer((HttpStatusCode)status));
        var (options, delays) = Options(4);

        using var response = await Send(Request(HttpMethod.Get, Blob, options), fake, new RetryHandler(Registry, options, new RecordingLog()));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Single(fake.Seen);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task RetryHandlerWithRetryOffSendsOnceAndTurnsAConnectionFailureIntoRegistryUnreachable()
    {
        var (options, delays) = Options(4);
        var refused = new FakeServer((_, _) => throw new HttpRequestException("Connection refused"));
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() =>
            Send(Request(HttpMethod.Put, Blob, options, retry: false), refused, new RetryHandler(Registry, options, new RecordingLog())));
        Assert.Contains("Connection refused", error.Message);
        Assert.Single(refused.Seen);

        var failing = new FakeServer((_, _) => Answer(HttpStatusCode.BadGateway));
        using var response = await Send(Request(HttpMethod.Put, Blob, options, retry: false), failing, new RetryHandler(Registry, options, new RecordingLog()));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Single(failing.Seen);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task RetryHandlerRetriesConnectionFailuresAndTimeoutsOutOfTheBudget()
    {
        var (options, delays) = Options(3, requestTimeout: TimeSpan.FromMilliseconds(50));
        var fake = new FakeServer(async (_, n, cancellationToken) =>
        {
            if (n == 1)
            {
                throw new HttpRequestException("Connection reset");
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        // The terminal handler's request timeout, over a client whose server never answers.
        var terminal = new SharedClientHandler(new HttpClient(fake), options);
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() =>
            Send(Request(HttpMethod.Get, Blob, options), terminal, new RetryHandler(Registry, options, new RecordingLog())));

        Assert.Contains("no answer within", error.Message);
        Assert.Equal(4, fake.Seen.Count);
        Assert.Equal(3, delays.Count);
    }

    [Fact]
    public async Task RedirectHandlerFollowsToAnotherHostWithoutTheRegistrysAuthorization()
    {
        var tokens = new TokenCache();
        tokens.RememberChallenge(Registry, AuthChallenge.Parse("Bearer realm=\"http://127.0.0.1:5000/token\",service=\"registry\"")!);
        tokens.Put(Registry, Scope + "|", "REGISTRYTOKEN", TimeSpan.FromMinutes(5));
        var fake = new FakeServer((request, _) => request.RequestUri!.Host == "127.0.0.1"
            ? Answer(HttpStatusCode.TemporaryRedirect, r => r.Headers.Location = new Uri("http://storage.example:9000/blob?signature=s"))
            : Answer(HttpStatusCode.OK));
        var (options, _) = Options(4);

        using var response = await Send(Request(HttpMethod.Get, Blob, options), fake,
            new RedirectHandler(), Authentication(options, tokens, fake));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new[] { (Blob.AbsoluteUri, "Bearer REGISTRYTOKEN"), ("http://storage.example:9000/blob?signature=s", (string?)null) },
            fake.Seen.Select(s => (s.Uri, s.Authorization)));
    }

    [Fact]
    public async Task RedirectAndOriginHandlersDropAnAuthorizationOnAnotherHostAndResolveRelativeLocations()
    {
        var fake = new FakeServer((request, n) => n switch
        {
            1 => Answer(HttpStatusCode.Found, r => r.Headers.Location = new Uri("/v2/team/app/blobs/moved", UriKind.Relative)),
            2 => Answer(HttpStatusCode.MovedPermanently, r => r.Headers.Location = new Uri("https://cdn.example/x")),
            _ => Answer(HttpStatusCode.OK),
        });
        var (options, _) = Options(4);

        using var response = await Send(Request(HttpMethod.Head, Blob, options, configure: m => m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "SECRET")),
            fake, new RedirectHandler(), new OriginHandler(Registry, Base, options));

        Assert.Equal(new[] { (Blob.AbsoluteUri, "Bearer SECRET"), ("http://127.0.0.1:5000/v2/team/app/blobs/moved", "Bearer SECRET"), ("https://cdn.example/x", (string?)null) },
            fake.Seen.Select(s => (s.Uri, s.Authorization)));
        Assert.Equal(new Version(2, 0), fake.Seen[2].Version);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnHttpsRegistrysRedirectToPlainHttpOnTheSameHostIsRefusedOrFollowedWithoutAnySecret(bool allowInsecure)
    {
        // https://registry.example and http://registry.example have one Uri.Authority (default ports dropped): only
        // the origin (scheme, host, explicit port) tells them apart.
        const string registry = "registry.example";
        var secure = new Uri("https://registry.example/");
        var blob = new Uri(secure, "v2/team/app/blobs/sha256:abc");
        var fake = new FakeServer((request, n) => n == 1
            ? Answer(HttpStatusCode.TemporaryRedirect, r => r.Headers.Location = new Uri("http://registry.example/v2/team/app/blobs/sha256:abc"))
            : Answer(HttpStatusCode.OK));
        var options = new RegistryOptions { AllowInsecure = allowInsecure, MaximumRetryCount = 0 };
        var headers = new List<string[]>();
        var recorder = new HeaderRecorder(headers);
        void Secrets(HttpRequestMessage m)
        {
            m.Headers.Authorization = new AuthenticationHeaderValue("Basic", "U0VDUkVU");
            m.Headers.TryAddWithoutValidation("Cookie", "session=SECRET");
            m.Headers.TryAddWithoutValidation("X-Registry-Auth", "SECRET");
            m.Headers.TryAddWithoutValidation("Accept", "application/octet-stream");
        }

        var send = Send(Request(HttpMethod.Get, blob, options, configure: Secrets), fake, new RedirectHandler(), new OriginHandler(registry, secure, options), recorder);
        if (!allowInsecure)
        {
            var error = await Assert.ThrowsAsync<InsecureRedirectException>(() => send);
            Assert.Equal("InsecureRedirect", error.ErrorId);
            Assert.Contains("http://registry.example/v2/team/app/blobs/sha256:abc", error.Message);
            Assert.Single(fake.Seen);
            return;
        }

        using var response = await send;
        Assert.Equal(new[] { ("https://registry.example/v2/team/app/blobs/sha256:abc", "Basic U0VDUkVU"), ("http://registry.example/v2/team/app/blobs/sha256:abc", (string?)null) },
            fake.Seen.Select(s => (s.Uri, s.Authorization)));
        Assert.Equal(new[] { "Accept", "Authorization", "Cookie", "X-Registry-Auth" }, headers[0].OrderBy(h => h, StringComparer.Ordinal));
        Assert.Equal(new[] { "Accept" }, headers[1]);
    }

    [Fact]
    public async Task TheSameOriginWithItsDefaultPortWrittenOutKeepsItsCredentials()
    {
        var secure = new Uri("https://registry.example/");
        var fake = new FakeServer((request, n) => n == 1
            ? Answer(HttpStatusCode.TemporaryRedirect, r => r.Headers.Location = new Uri("https://REGISTRY.example:443/v2/moved"))
            : Answer(HttpStatusCode.OK));
        var options = new RegistryOptions { MaximumRetryCount = 0 };
        using var response = await Send(Request(HttpMethod.Get, new Uri(secure, "v2/x"), options, configure: m => m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "T")),
            fake, new RedirectHandler(), new OriginHandler("registry.example", secure, options));
        Assert.Equal(new[] { "Bearer T", "Bearer T" }, fake.Seen.Select(s => s.Authorization));
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "connection refused by 127.0.0.1:5000 (nothing listens on that port)")]
    [InlineData(SocketError.HostNotFound, "the host name 127.0.0.1 cannot be resolved")]
    [InlineData(SocketError.TryAgain, "the host name 127.0.0.1 cannot be resolved")]
    public async Task ARefusedConnectionOrAnUnknownHostGetsOneQuickRetryNotTheBackoff(SocketError error, string said)
    {
        var fake = new FakeServer((_, _) => throw new HttpRequestException("failed", new SocketException((int)error)));
        var (options, delays) = Options(4);

        var failure = await Assert.ThrowsAsync<RegistryUnreachableException>(() => Send(Request(HttpMethod.Get, Blob, options), fake, new RetryHandler(Registry, options, new RecordingLog())));

        Assert.Contains(said, failure.Message);
        Assert.Equal(2, fake.Seen.Count);
        Assert.Equal(new[] { RetryHandler.QuickRetryDelay }, delays);
    }

    [Fact]
    public async Task AResetConnectionIsStillRetriedWithBackoff()
    {
        var fake = new FakeServer((_, _) => throw new HttpRequestException("reset", new IOException("reset", new SocketException((int)SocketError.ConnectionReset))));
        var (options, delays) = Options(4);

        await Assert.ThrowsAsync<RegistryUnreachableException>(() => Send(Request(HttpMethod.Get, Blob, options), fake, new RetryHandler(Registry, options, new RecordingLog())));

        Assert.Equal(5, fake.Seen.Count);
        Assert.Equal(new[] { 1.0, 2, 4, 8 }, delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task RedirectHandlerFollowsAtMostFiveAndOnlyForGetAndHead()
    {
        var loop = new FakeServer((_, n) => Answer(HttpStatusCode.TemporaryRedirect, r => r.Headers.Location = new Uri($"http://127.0.0.1:5000/hop{n}")));
        var (options, _) = Options(4);
        var error = await Assert.ThrowsAsync<RegistryErrorException>(() => Send(Request(HttpMethod.Get, Blob, options), loop, new RedirectHandler()));
        Assert.Equal(310, error.StatusCode);
        Assert.Contains("more than 5 redirects", error.Message);
        Assert.Equal(6, loop.Seen.Count);

        var post = new FakeServer((_, _) => Answer(HttpStatusCode.TemporaryRedirect, r => r.Headers.Location = new Uri("http://127.0.0.1:5000/elsewhere")));
        using var response = await Send(Request(HttpMethod.Post, Blob, options), post, new RedirectHandler());
        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Single(post.Seen);
    }

    [Fact]
    public async Task RedirectsAndRetriesShareTheRequestsOneBudget()
    {
        // 503 at the registry, a redirect, 503 at storage: two retries out of one budget of two; the third 503 stays.
        var fake = new FakeServer((request, n) => n switch
        {
            1 => Answer(HttpStatusCode.ServiceUnavailable),
            2 => Answer(HttpStatusCode.TemporaryRedirect, r => r.Headers.Location = new Uri("http://storage.example/b")),
            _ => Answer(HttpStatusCode.ServiceUnavailable),
        });
        var (options, delays) = Options(2);

        using var response = await Send(Request(HttpMethod.Get, Blob, options), fake, new RedirectHandler(), new RetryHandler(Registry, options, new RecordingLog()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(new[] { Blob.AbsoluteUri, Blob.AbsoluteUri, "http://storage.example/b", "http://storage.example/b" }, fake.Seen.Select(s => s.Uri));
        Assert.Equal(2, delays.Count);
    }

    [Fact]
    public async Task AuthenticationHandlerAnswersOneChallengeWithATokenFromTheRealmAndCachesIt()
    {
        var tokens = new TokenCache();
        var fake = new FakeServer((request, _) =>
            request.RequestUri!.AbsolutePath == "/token" ? Answer(HttpStatusCode.OK, r => r.Content = new StringContent("{\"token\":\"T1\",\"expires_in\":300}"))
            : request.Headers.Authorization?.ToString() == "Bearer T1" ? Answer(HttpStatusCode.OK)
            : Answer(HttpStatusCode.Unauthorized, r => r.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"http://127.0.0.1:5000/token\",service=\"registry\",scope=\"" + Scope + "\"")));
        var (options, _) = Options(4);
        var user = new RegistryCredential("alice", "PASSWORD");
        var auth = Authentication(options, tokens, fake, user);

        using (var response = await Send(Request(HttpMethod.Get, Blob, options), fake, auth))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:PASSWORD"));
        Assert.Equal(new[] { (Blob.AbsoluteUri, (string?)null), ("http://127.0.0.1:5000/token?service=registry&scope=repository%3Ateam%2Fapp%3Apull", basic), (Blob.AbsoluteUri, "Bearer T1") },
            fake.Seen.Select(s => (s.Uri, s.Authorization)));

        // The next request of the scope and user is sent with the cached token at once.
        fake.Seen.Clear();
        using (var again = await Send(Request(HttpMethod.Get, Blob, options), fake, Authentication(options, tokens, fake, user)))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal(new[] { "Bearer T1" }, fake.Seen.Select(s => s.Authorization));
    }

    [Fact]
    public async Task AuthenticationHandlerAnswersOnlyOneChallengeAndInsufficientScopeForAUserIsAccessDenied()
    {
        const string challenge = "Bearer realm=\"http://127.0.0.1:5000/token\",service=\"registry\",error=\"insufficient_scope\"";
        var fake = new FakeServer((request, _) => request.RequestUri!.AbsolutePath == "/token"
            ? Answer(HttpStatusCode.OK, r => r.Content = new StringContent("{\"token\":\"T\"}"))
            : Answer(HttpStatusCode.Unauthorized, r => r.Headers.WwwAuthenticate.ParseAdd(challenge)));
        var (options, _) = Options(4);

        var error = await Assert.ThrowsAsync<AccessDeniedException>(() =>
            Send(Request(HttpMethod.Get, Blob, options), fake, Authentication(options, new TokenCache(), fake, new RegistryCredential("alice", "PASSWORD"))));
        Assert.Contains("insufficient_scope to alice", error.Message);
        Assert.Equal(2, fake.Seen.Count(s => s.Uri == Blob.AbsoluteUri));

        // Anonymous: the second 401 is the answer.
        fake.Seen.Clear();
        using var response = await Send(Request(HttpMethod.Get, Blob, options), fake, Authentication(options, new TokenCache(), fake));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, fake.Seen.Count(s => s.Uri == Blob.AbsoluteUri));
    }

    [Fact]
    public async Task AuthenticationHandlerLeavesOtherHostsAloneAndSendsNoCredentialToAPlainHttpRealmElsewhere()
    {
        var fake = new FakeServer((request, _) =>
            request.RequestUri!.Host == "tokens.example" ? Answer(HttpStatusCode.OK, r => r.Content = new StringContent("{\"token\":\"ANON\"}"))
            : request.Headers.Authorization is not null ? Answer(HttpStatusCode.OK)
            : Answer(HttpStatusCode.Unauthorized, r => r.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"http://tokens.example/token\"")));
        var (options, _) = Options(4);
        var log = new RecordingLog();
        var tokens = new TokenCache();
        var auth = new AuthenticationHandler(Registry, Base, options, _ => new RegistryCredential("alice", "PASSWORD"), tokens, log, new HttpClient(fake));

        // Another host: no credential, and its 401 is not answered.
        using (var other = await Send(Request(HttpMethod.Get, new Uri("http://storage.example/b"), options), fake, auth))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        }

        Assert.Single(fake.Seen);

        fake.Seen.Clear();
        using (var response = await Send(Request(HttpMethod.Get, Blob, options), fake, auth))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(new[] { (string?)null, null, "Bearer ANON" }, fake.Seen.Select(s => s.Authorization));
        Assert.Contains(log.Messages, m => m.Contains("asking it anonymously", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.Contains("PASSWORD", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthenticationHandlerUsesBasicOnceTheRegistryAsksForIt()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:PASSWORD"));
        var fake = new FakeServer((request, _) => request.Headers.Authorization?.ToString() == basic
            ? Answer(HttpStatusCode.OK)
            : Answer(HttpStatusCode.Unauthorized, r => r.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"registry\"")));
        var (options, _) = Options(4);
        var auth = Authentication(options, new TokenCache(), fake, new RegistryCredential("alice", "PASSWORD"));

        using (await Send(Request(HttpMethod.Get, Blob, options), fake, auth))
        {
        }

        using (await Send(Request(HttpMethod.Get, Blob, options), fake, auth))
        {
        }

        Assert.Equal(new[] { null, basic, basic }, fake.Seen.Select(s => s.Authorization));
    }

    [Fact]
    public async Task AnErrorOfTheAuthenticationHandlersOwnWorkIsNotRetriedAsATransportFailure()
    {
        // Reading the docker config fails: that is the caller's error as it is, not a registry to retry.
        var tokens = new TokenCache();
        tokens.RememberChallenge(Registry, AuthChallenge.Parse("Bearer realm=\"http://127.0.0.1:5000/token\"")!);
        var fake = new FakeServer((_, _) => Answer(HttpStatusCode.OK));
        var (options, delays) = Options(4);
        var auth = new AuthenticationHandler(Registry, Base, options, _ => throw new IOException("config.json: permission denied"), tokens, new RecordingLog(), new HttpClient(fake));

        var error = await Assert.ThrowsAsync<IOException>(() => Send(Request(HttpMethod.Get, Blob, options), fake, new RetryHandler(Registry, options, new RecordingLog()), auth));

        Assert.Equal("config.json: permission denied", error.Message);
        Assert.Empty(fake.Seen);
        Assert.Empty(delays);
    }

    [Fact]
    public async Task SlowBodyHandlerWrapsTheBodyKeepingItsHeaders()
    {
        var fake = new FakeServer((_, _) => Answer(HttpStatusCode.OK, r => r.Content = new StringContent("hello", Encoding.UTF8, "application/json")));
        var (options, _) = Options(4);

        using var response = await Send(Request(HttpMethod.Get, Blob, options), fake, new SlowBodyHandler(Registry, options));

        Assert.IsType<SlowBodyGuardContent>(response.Content);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("hello", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SlowBodyHandlerFailsABodyThatStalls()
    {
        var fake = new FakeServer((_, _) => Answer(HttpStatusCode.OK, r => r.Content = new StreamContent(new StallingStream())));
        var (options, _) = Options(4, slowBodyWindow: TimeSpan.FromMilliseconds(100));

        using var response = await Send(Request(HttpMethod.Get, Blob, options), fake, new SlowBodyHandler(Registry, options));
        using var body = await response.Content.ReadAsStreamAsync();

        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => body.ReadAsync(new byte[10], 0, 10, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token));
        Assert.Contains("stalled", error.Message);
    }

    [Fact]
    public async Task LoggingHandlerLogsEachAttemptWithoutQueryOrSecretAndEachWarningOnce()
    {
        var fake = new FakeServer((_, n) => n == 3
            ? throw new HttpRequestException("Connection refused")
            : Answer(HttpStatusCode.Accepted, r => r.Headers.TryAddWithoutValidation("Warning", "299 - \"this registry is deprecated\"")));
        var (options, _) = Options(4);
        var log = new RecordingLog();
        var logging = new LoggingHandler(Registry, options, log);
        var upload = new Uri("http://127.0.0.1:5000/v2/team/app/blobs/uploads/u1?_state=SECRETSTATE&digest=sha256:abc");
        void Secret(HttpRequestMessage m) => m.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "SECRETTOKEN");

        using (await Send(Request(new HttpMethod("PATCH"), upload, options, configure: Secret), fake, logging))
        {
        }

        using (await Send(Request(new HttpMethod("PATCH"), upload, options, configure: Secret), fake, logging))
        {
        }

        await Assert.ThrowsAsync<HttpRequestException>(() => Send(Request(new HttpMethod("PATCH"), upload, options, configure: Secret), fake, logging));

        Assert.Equal(4, log.Messages.Count);
        Assert.Matches(@"^PATCH http://127\.0\.0\.1:5000/v2/team/app/blobs/uploads/u1 202 \(\d+ ms\)$", log.Messages[0]);
        Assert.Equal($"WARNING: {Registry}: this registry is deprecated", log.Messages[1]);
        Assert.Matches(@"^PATCH http://127\.0\.0\.1:5000/v2/team/app/blobs/uploads/u1 202 \(\d+ ms\)$", log.Messages[2]);
        Assert.Matches(@"^PATCH http://127\.0\.0\.1:5000/v2/team/app/blobs/uploads/u1 failed: Connection refused \(\d+ ms\)$", log.Messages[3]);
        Assert.DoesNotContain(log.Messages, m => m.Contains("SECRET", StringComparison.Ordinal) || m.Contains('?'));
    }

    [Fact]
    public async Task TheTransportsChainLogsEveryAttemptOfARetriedRedirectedAuthenticatedRequest()
    {
        var tokens = new TokenCache();
        var fake = new FakeServer((request, n) =>
            request.RequestUri!.AbsolutePath == "/token" ? Answer(HttpStatusCode.OK, r => r.Content = new StringContent("{\"token\":\"T1\"}"))
            : request.RequestUri.Host == "storage.example" ? (n < 6 ? Answer(HttpStatusCode.BadGateway) : Answer(HttpStatusCode.OK))
            : request.Headers.Authorization is null ? Answer(HttpStatusCode.Unauthorized, r => r.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"http://127.0.0.1:5000/token\""))
            : Answer(HttpStatusCode.TemporaryRedirect, r => r.Headers.Location = new Uri("http://storage.example/b?sig=1")));
        var (options, delays) = Options(4);
        var log = new RecordingLog();
        var chain = RegistryTransport.Compose(fake,
            new RedirectHandler(), new RetryHandler(Registry, options, log), Authentication(options, tokens, fake, log: log),
            new LoggingHandler(Registry, options, log), new SlowBodyHandler(Registry, options));

        using var response = await new HttpMessageInvoker(chain, false).SendAsync(Request(HttpMethod.Get, Blob, options).NewMessage(Blob), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.IsType<SlowBodyGuardContent>(response.Content);
        Assert.Equal(new[] { 401, 307, 502, 502, 200 }, log.Messages.Where(m => m.StartsWith("GET http", StringComparison.Ordinal) && !m.Contains("/token")).Select(m => int.Parse(m.Split(' ')[2])));
        Assert.Equal(2, delays.Count);
    }

    private static AuthenticationHandler Authentication(RegistryOptions options, TokenCache tokens, HttpMessageHandler tokenServer, RegistryCredential? credential = null, IEngineLog? log = null) =>
        new(Registry, Base, options, _ => credential, tokens, log ?? new RecordingLog(), new HttpClient(tokenServer, disposeHandler: false));

    private static (RegistryOptions Options, List<TimeSpan> Delays) Options(int maximumRetryCount, TimeSpan? requestTimeout = null, TimeSpan? slowBodyWindow = null)
    {
        var delays = new List<TimeSpan>();
        var options = new RegistryOptions
        {
            MaximumRetryCount = maximumRetryCount,
            RequestTimeout = requestTimeout ?? TimeSpan.FromMinutes(5),
            SlowBodyWindow = slowBodyWindow ?? TimeSpan.FromSeconds(30),
            Clock = new TestClock(delays.Add),
        };
        return (options, delays);
    }

    private static RegistryRequest Request(HttpMethod method, Uri uri, RegistryOptions options, Action<HttpRequestMessage>? configure = null, Func<HttpContent>? content = null, bool retry = true)
    {
        var budget = new RetryBudget();
        budget.Observe(options.MaximumRetryCount, options.RetryInterval, options.MaximumRetryDelay, options.Clock);
        return new RegistryRequest(method, uri, Scope, budget, configure, content, retry);
    }

    private static async Task<HttpResponseMessage> Send(RegistryRequest request, HttpMessageHandler inner, params DelegatingHandler[] handlers)
    {
        using var invoker = new HttpMessageInvoker(RegistryTransport.Compose(inner, handlers), disposeHandler: false);
        using var message = request.NewMessage(request.Uri);
        return await invoker.SendAsync(message, CancellationToken.None);
    }

    private static Task<HttpResponseMessage> Answer(HttpStatusCode status, Action<HttpResponseMessage>? shape = null)
    {
        var response = new HttpResponseMessage(status);
        shape?.Invoke(response);
        return Task.FromResult(response);
    }

    /// <summary>Records the names of the request headers that reach it (inside the handler under test).</summary>
    private sealed class HeaderRecorder(List<string[]> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Headers.Select(h => h.Key).ToArray());
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>What one attempt looked like on the wire, recorded as it was sent.</summary>
    private sealed record Sent(string Method, string Uri, string? Authorization, string? Body, Version Version);

    /// <summary>A server in a lambda: gets each message and its number (from 1), records it.</summary>
    private sealed class FakeServer(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        private int _count;

        public FakeServer(Func<HttpRequestMessage, int, Task<HttpResponseMessage>> answer)
            : this((request, n, _) => answer(request, n))
        {
        }

        public List<Sent> Seen { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            int n;
            lock (Seen)
            {
                Seen.Add(new Sent(request.Method.Method, request.RequestUri!.AbsoluteUri, request.Headers.Authorization?.ToString(), body, request.Version));
                n = ++_count;
            }

            var response = await answer(request, n, cancellationToken);
            response.RequestMessage = request;
            return response;
        }
    }

    /// <summary>A body that never brings a byte.</summary>
    private sealed class StallingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
