using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of a real registry that misbehaves on request: answers a status
/// instead of forwarding (500 twice, 429 with Retry-After), forwards and rewrites a response header (a lying
/// Docker-Content-Digest), cuts or trickles a body, or forwards a request whole and then loses the registry's
/// answer (the client's connection is reset through the <see cref="ConnectionCutter"/> standing before it).
/// It counts the requests it sees. The registry behind it stays real.
/// </summary>
public sealed class FaultProxy : LoopbackHttpServer
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false });
    private readonly Uri _upstream;
    private readonly List<Rule> _rules = new();
    private readonly ConnectionCutter _cutter;
    private int _requests;

    public FaultProxy(string upstreamHost)
    {
        _upstream = new Uri($"http://{upstreamHost}/");
        ListenBehind();
        _cutter = new ConnectionCutter(Port, ListenerPort);
        Start();
    }

    public int Requests => _requests;

    private int _lost;

    /// <summary>Every request line seen, "METHOD /path".</summary>
    public List<string> Log { get; } = new();

    /// <summary>How many forwarded answers were 401 (each one a round trip a client with the right token saves).</summary>
    public int Unauthorized => _unauthorized;

    private int _unauthorized;

    /// <summary>The next <paramref name="times"/> requests whose path contains <paramref name="pathPart"/> get this status.</summary>
    public void FailNext(int times, int status, string pathPart = "/v2/", string? retryAfter = null)
    {
        lock (_rules)
        {
            _rules.Add(new Rule(pathPart, times, status, retryAfter, null, null));
        }
    }

    /// <summary>
    /// From now on, this share of requests (0 to 1) is cut off: a GET after one byte of its body, any other
    /// request after the registry did it, with no answer at all (its connection reset).
    /// </summary>
    public double DropRate { get; set; }

    /// <summary>
    /// When set, the Accept header forwarded with every manifest request: the managed HttpListener keeps only the
    /// last of repeated header lines, and skopeo sends one Accept line per media type (so the registry would see
    /// only its last, and refuse an OCI manifest). For counting a peer's requests; null forwards what was heard.
    /// </summary>
    public string? ManifestAccept { get; set; }

    /// <summary>How many requests were cut off by <see cref="DropRate"/>.</summary>
    public int Dropped => _dropped;

    private int _dropped;

    private readonly Random _random = new(17);

    /// <summary>The next matching requests are answered with a 307 redirect to <paramref name="location"/>.</summary>
    public void RedirectNext(int times, string pathPart, string location)
    {
        lock (_rules)
        {
            _rules.Add(new Rule(pathPart, times, 307, null, "Location", location));
        }
    }

    /// <summary>The next matching responses are cut off after this many body bytes (the connection drops).</summary>
    public void DropAfter(int times, string pathPart, int bytes)
    {
        lock (_rules)
        {
            _rules.Add(new Rule(pathPart, times, 0, null, null, null) { DropAfterBytes = bytes });
        }
    }

    /// <summary>
    /// The next matching responses send this many body bytes at full speed, then trickle the rest one byte at a
    /// time, an interval apart: a server that keeps the connection alive without really sending.
    /// </summary>
    public void TrickleAfter(int times, string pathPart, int bytes, TimeSpan interval)
    {
        lock (_rules)
        {
            _rules.Add(new Rule(pathPart, times, 0, null, null, null) { TrickleAfterBytes = bytes, TrickleInterval = interval });
        }
    }

    /// <summary>
    /// The next <paramref name="times"/> requests of this method whose path contains <paramref name="pathPart"/>
    /// are forwarded whole and done by the registry, but the answer is lost: the client's connection is reset
    /// once the registry has answered (a POST, PUT or PATCH the registry committed while the client cannot know).
    /// With <paramref name="asGateway"/>, the client gets a 502 instead, as from a load balancer that gave up waiting.
    /// The first <paramref name="skip"/> matching requests pass untouched.
    /// </summary>
    public void LoseAnswerNext(int times, string method, string pathPart, bool asGateway = false, int skip = 0)
    {
        lock (_rules)
        {
            _rules.Add(new Rule(pathPart, times, 0, null, null, null) { Method = method, LoseAnswer = true, AsGateway = asGateway, Skip = skip });
        }
    }

    /// <summary>How many answers were lost by <see cref="LoseAnswerNext"/>.</summary>
    public int LostAnswers => _lost;

    /// <summary>How many client connections were reset after the registry answered (lost answers and non-GET drops).</summary>
    public int Resets => _resets;

    private int _resets;

    /// <summary>The next matching responses are forwarded with a header set (replaced, or added when absent).</summary>
    public void RewriteHeader(int times, string pathPart, string header, string value)
    {
        lock (_rules)
        {
            _rules.Add(new Rule(pathPart, times, 0, null, header, value));
        }
    }

    protected override void DisposeResources()
    {
        _cutter.Dispose();
        _client.Dispose();
    }

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var path = context.Request.Url!.PathAndQuery;
        lock (Log)
        {
            Log.Add(context.Request.HttpMethod + " " + context.Request.Url.AbsolutePath);
        }

        Rule? rule;
        lock (_rules)
        {
            rule = _rules.FirstOrDefault(r => r.Remaining > 0 && path.Contains(r.PathPart, StringComparison.Ordinal)
                && (r.Method is null || r.Method == context.Request.HttpMethod));
            if (rule is { Skip: > 0 })
            {
                rule.Skip--;
                rule = null;
            }
            else if (rule is not null)
            {
                rule.Remaining--;
            }
        }

        bool drop;
        lock (_random)
        {
            drop = DropRate > 0 && _random.NextDouble() < DropRate;
        }

        if (drop)
        {
            Interlocked.Increment(ref _dropped);
        }

        if (drop && context.Request.HttpMethod == "GET")
        {
            rule = new Rule(string.Empty, 1, 0, null, null, null) { DropAfterBytes = 1 };
        }
        else if (drop)
        {
            rule = new Rule(string.Empty, 1, 0, null, null, null) { LoseAnswer = true };
        }

        try
        {
            if (rule is { Status: > 0 })
            {
                context.Response.StatusCode = rule.Status;
                if (rule.RetryAfter is not null)
                {
                    context.Response.AddHeader("Retry-After", rule.RetryAfter);
                }

                if (rule.Header is not null)
                {
                    context.Response.AddHeader(rule.Header, rule.Value!);
                }

                return;
            }

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_upstream, path));
            if (context.Request.HasEntityBody)
            {
                var body = new System.IO.MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
            }

            foreach (string name in context.Request.Headers)
            {
                if (name is "Host" or "Connection" or "Content-Length" or "Transfer-Encoding" or "Expect")
                {
                    continue;
                }

                var value = name == "Accept" && ManifestAccept is not null && path.Contains("/manifests/", StringComparison.Ordinal)
                    ? ManifestAccept
                    : context.Request.Headers[name]!;
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content ??= new ByteArrayContent(Array.Empty<byte>());
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _client.SendAsync(request);
            if (rule is { LoseAnswer: true })
            {
                // The registry has done the request and answered; the client hears nothing of it.
                if (!drop)
                {
                    Interlocked.Increment(ref _lost);
                }

                if (!rule.AsGateway && _cutter.Cut(context.Request.RemoteEndPoint))
                {
                    Interlocked.Increment(ref _resets);
                }
                else
                {
                    context.Response.StatusCode = 502;
                }

                return;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Interlocked.Increment(ref _unauthorized);
            }
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection" or "Keep-Alive")
                {
                    continue;
                }

                var value = string.Join(", ", header.Value);
                if (rule is { Header: not null } && string.Equals(rule.Header, header.Key, StringComparison.OrdinalIgnoreCase))
                {
                    value = rule.Value!;
                }

                if (header.Key == "Location")
                {
                    // Keep the client talking through the proxy.
                    value = value.Replace(_upstream.Authority, Host);
                }

                context.Response.AddHeader(header.Key, value);
            }

            if (rule is { Header: not null } && !response.Headers.NonValidated.Contains(rule.Header) && !response.Content.Headers.NonValidated.Contains(rule.Header))
            {
                context.Response.AddHeader(rule.Header, rule.Value!);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (context.Request.HttpMethod != "HEAD")
            {
                context.Response.ContentLength64 = bytes.Length;
                if (rule is { DropAfterBytes: > 0 } && bytes.Length > rule.DropAfterBytes)
                {
                    await context.Response.OutputStream.WriteAsync(bytes.AsMemory(0, rule.DropAfterBytes));
                    await context.Response.OutputStream.FlushAsync();
                    context.Response.Abort();
                    return;
                }

                if (rule is { TrickleAfterBytes: > 0 } && bytes.Length > rule.TrickleAfterBytes)
                {
                    await context.Response.OutputStream.WriteAsync(bytes.AsMemory(0, rule.TrickleAfterBytes));
                    await context.Response.OutputStream.FlushAsync();
                    for (var i = rule.TrickleAfterBytes; i < bytes.Length; i++)
                    {
                        await Task.Delay(rule.TrickleInterval);
                        await context.Response.OutputStream.WriteAsync(bytes.AsMemory(i, 1));
                        await context.Response.OutputStream.FlushAsync();
                    }

                    return;
                }

                await context.Response.OutputStream.WriteAsync(bytes);
            }
            else if (response.Content.Headers.ContentLength is { } length)
            {
                context.Response.ContentLength64 = length;
            }
        }
        catch (Exception)
        {
            context.Response.StatusCode = 502;
        }
    }

    private sealed class Rule(string pathPart, int remaining, int status, string? retryAfter, string? header, string? value)
    {
        public string PathPart { get; } = pathPart;

        public int Remaining { get; set; } = remaining;

        public int Status { get; } = status;

        public string? RetryAfter { get; } = retryAfter;

        public string? Header { get; } = header;

        public string? Value { get; } = value;

        public int DropAfterBytes { get; init; }

        public string? Method { get; init; }

        public bool LoseAnswer { get; init; }

        public bool AsGateway { get; init; }

        /// <summary>Matching requests still to let through before the rule applies.</summary>
        public int Skip { get; set; }

        public int TrickleAfterBytes { get; init; }

        public TimeSpan TrickleInterval { get; init; }
    }
}
