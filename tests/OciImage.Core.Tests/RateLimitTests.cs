using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Registry rate limits against a fake in the manner of Docker Hub (<see cref="PullQuota"/>): the run's request
/// ledger counts what was sent, -RateLimitReserve holds manifest GETs back and not HEADs, and a 429 that no short
/// wait mends ends at once, saying when to come back.
/// </summary>
public sealed class RateLimitTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task TheLedgerCountsEveryRequestEachRegistrySawByKindAndAnUpToDateCopyCostsOneGetAtTheSourceAndTwoHeadsAtTheDestination()
    {
        using var set = new QuotaHub(new PullQuota(100), 2000, "1.0");
        var (hub, mirror) = (set.Hub, set.Mirror);
        hub.TokenLifetime = 300;
        var from = set.SourceReference("1.0");
        var to = Reference.Parse($"{mirror.Host}/mirror/app:1.0");

        var session = new RegistrySessions { DockerConfigPath = null }; // one PowerShell session: its tokens are kept
        var fresh = new RequestLedger();
        var copied = await Copy(from, to, new RegistryOptions { Ledger = fresh }, session);
        Assert.False(copied.UpToDate);

        // Every request either fake saw is in the ledger, of the kind it was, token requests included.
        Assert.Equal(hub.Log.Count + mirror.Log.Count, fresh.Requests);
        Assert.Equal(hub.TokenRequests, fresh.Count(RequestKind.Token, hub.Host));
        Assert.True(hub.TokenRequests > 0);
        foreach (var (fake, host) in new[] { (hub, hub.Host), (mirror, mirror.Host) })
        {
            Assert.Equal(fake.Log.Count(l => l.StartsWith("GET ", StringComparison.Ordinal) && l.Contains("/manifests/")), fresh.Count(RequestKind.ManifestGet, host));
            Assert.Equal(fake.Log.Count(l => l.StartsWith("HEAD ", StringComparison.Ordinal) && l.Contains("/manifests/")), fresh.Count(RequestKind.ManifestHead, host));
            Assert.Equal(fake.Log.Count(l => l.StartsWith("GET ", StringComparison.Ordinal) && l.Contains("/blobs/sha256:")), fresh.Count(RequestKind.BlobGet, host));
            Assert.Equal(fake.Log.Count(l => l.Split(' ')[0] is "PUT" or "POST" or "PATCH"), fresh.Count(RequestKind.Write, host));
        }

        Assert.True(fresh.Count(RequestKind.Write, mirror.Host) >= 3); // two blobs and the manifest
        Assert.Equal(99, fresh.RateLimitOf(hub.Host)!.Remaining);
        Assert.Equal(100, fresh.RateLimitOf(hub.Host)!.Limit);
        Assert.Equal(TimeSpan.FromHours(6), fresh.RateLimitOf(hub.Host)!.Window);
        Assert.Null(fresh.RateLimitOf(mirror.Host));

        // Up to date today: the source manifest is read (one GET, a pull on Docker Hub's quota); the destination
        // is asked by digest and by tag (two HEADs). No blob is touched, nothing written, no token fetched again.
        var again = new RequestLedger();
        var second = await Copy(from, to, new RegistryOptions { Ledger = again }, session);
        Assert.True(second.UpToDate);
        Assert.Equal(1, again.Count(RequestKind.ManifestGet, hub.Host));
        Assert.Equal(0, again.Count(RequestKind.ManifestHead, hub.Host));
        Assert.Equal(2, again.Count(RequestKind.ManifestHead, mirror.Host));
        Assert.Equal(0, again.Count(RequestKind.ManifestGet, mirror.Host));
        foreach (var kind in new[] { RequestKind.BlobGet, RequestKind.BlobHead, RequestKind.Write, RequestKind.Delete })
        {
            Assert.Equal(0, again.Count(kind));
        }

        Assert.Equal(98, again.RateLimitOf(hub.Host)!.Remaining);
        Assert.Equal(98, set.Quota.Remaining);
        Assert.Equal(0, again.Retries);
        Assert.Equal(3, again.Requests);
        Assert.Contains("ManifestGet", again.ToString());
    }

    [Fact]
    public async Task TheReserveStopsManifestGetsButNotHeads()
    {
        using var set = new QuotaHub(new PullQuota(100, remaining: 4), 500, "1.0", "2.0");
        var (hub, mirror) = (set.Hub, set.Mirror);
        var ledger = new RequestLedger();
        var options = new RegistryOptions { Ledger = ledger, RateLimitReserve = 2 };

        // The quota is unknown until the first answer: 1.0 is copied, and leaves 3.
        await Copy(set.SourceReference("1.0"), Reference.Parse($"{mirror.Host}/m/app:1.0"), options);
        Assert.Equal(3, ledger.RateLimitOf(hub.Host)!.Remaining);

        // 3 > 2: one more GET may start; then 2 is the reserve and 2.0's GET is not started.
        var store = set.Store(options);
        await store.GetManifestAsync(set.SourceReference("1.0"), None);
        var gets = hub.Log.Count(l => l.StartsWith("GET ", StringComparison.Ordinal) && l.Contains("/manifests/"));
        var error = await Assert.ThrowsAsync<RateLimitReserveReachedException>(() =>
            Copy(set.SourceReference("2.0"), Reference.Parse($"{mirror.Host}/m/app:2.0"), options));
        Assert.Equal("RateLimitReserve", error.ErrorId);
        Assert.Equal(OciErrorKind.LimitsExceeded, error.Kind);
        Assert.Equal((hub.Host, 2L, 2), (error.Registry, error.Remaining, error.Reserve));
        Assert.Equal(TimeSpan.FromHours(6), error.Window);
        Assert.Contains(hub.Host, error.Message);
        Assert.Contains("6 h", error.Message);
        Assert.Equal(gets, hub.Log.Count(l => l.StartsWith("GET ", StringComparison.Ordinal) && l.Contains("/manifests/")));
        Assert.Equal(2, set.Quota.Remaining);
        Assert.False(mirror.HasTag("m/app", "2.0"));

        // HEADs are not held back (Docker Hub does not count them), and keep the quota known.
        var resolved = await store.ResolveAsync(set.SourceReference("2.0"), None);
        Assert.Equal(hub.DigestOf(QuotaHub.Repository, "2.0"), resolved.Digest.ToString());
        var heads = hub.Log.Count(l => l.StartsWith("HEAD ", StringComparison.Ordinal) && l.Contains("/manifests/2.0"));
        Assert.InRange(heads, 1, 2); // a second attempt only if a loaded machine made the transport retry
        Assert.Equal(heads, ledger.Count(RequestKind.ManifestHead, hub.Host));
        Assert.Equal(2, set.Quota.Remaining);
    }

    [Fact]
    public async Task ParallelGetsStartedBeforeAnyAnswerCannotSlipUnderTheReserve()
    {
        using var set = new QuotaHub(new PullQuota(100, remaining: 6), 100, "1.0");
        var store = set.Store(new RegistryOptions { Ledger = new RequestLedger(), RateLimitReserve = 2 });
        var tag = set.SourceReference("1.0");
        await store.GetManifestAsync(tag, None); // 5 left, known

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            try
            {
                await store.GetManifestAsync(tag, None);
                return "ok";
            }
            catch (RateLimitReserveReachedException)
            {
                return "held";
            }
        })));

        Assert.Equal(3, outcomes.Count(o => o == "ok"));
        Assert.Equal(2, set.Quota.Remaining);
    }

    [Fact]
    public void AnAnswerReadWhileOtherGetsAreInFlightCannotRaiseTheEstimate()
    {
        // The order answers are read in is not the order the registry counted them: while GETs are in flight an
        // answer only lowers the estimate; once none is, the registry's word stands (a quota that came back).
        var ledger = new RequestLedger();
        RateLimitState Said(long remaining) => new("hub", 100, remaining, TimeSpan.FromHours(6), DateTime.UtcNow);
        ledger.Observe(Said(5), ledger.Sending("hub"));
        ledger.StartManifestGet("hub", 2);
        var first = ledger.Sending("hub");
        ledger.StartManifestGet("hub", 2);
        ledger.StartManifestGet("hub", 2);
        var third = ledger.Sending("hub");
        Assert.Equal(2, ledger.RateLimitOf("hub")!.Remaining);

        ledger.Observe(Said(4), first, ownGetInFlight: true); // the first GET's answer, counted before the other two
        Assert.Equal(2, ledger.RateLimitOf("hub")!.Remaining);
        Assert.Throws<RateLimitReserveReachedException>(() => ledger.StartManifestGet("hub", 2));

        ledger.EndManifestGet("hub");
        ledger.EndManifestGet("hub");
        ledger.Observe(Said(2), third, ownGetInFlight: true);
        ledger.EndManifestGet("hub");
        Assert.Equal(2, ledger.RateLimitOf("hub")!.Remaining);

        ledger.Observe(Said(100), ledger.Sending("hub")); // a HEAD, with nothing in flight, after the window turned
        Assert.Equal(100, ledger.RateLimitOf("hub")!.Remaining);
        ledger.StartManifestGet("hub", 2);
    }

    [Fact]
    public void AnAnswerTheRegistryWroteBeforeAnotherGetWasCountedCannotRaiseTheEstimateOnceThatGetEnded()
    {
        // Two GETs in flight; the registry counts B before A, so A's answer says 3 and B's says 4, and A's is read
        // first. Once A has ended, B is the only GET in flight: its 4 is older than A's 3, not a quota that came
        // back. Taken as the registry's word, it let a fourth GET through under a reserve of 2 (the CI failure of
        // ParallelGetsStartedBeforeAnyAnswer…, when a late task started after it was read).
        var ledger = new RequestLedger();
        RateLimitState Said(long remaining) => new("hub", 100, remaining, TimeSpan.FromHours(6), DateTime.UtcNow);
        ledger.Observe(Said(5), ledger.Sending("hub"));
        ledger.StartManifestGet("hub", 2);
        var a = ledger.Sending("hub");
        ledger.StartManifestGet("hub", 2);
        var b = ledger.Sending("hub");
        ledger.Observe(Said(3), a, ownGetInFlight: true); // A's answer
        ledger.EndManifestGet("hub");
        ledger.Observe(Said(4), b, ownGetInFlight: true); // B's answer, read last
        ledger.EndManifestGet("hub");
        Assert.InRange(ledger.RateLimitOf("hub")!.Remaining, 0, 3);
        Assert.Throws<RateLimitReserveReachedException>(() => ledger.StartManifestGet("hub", 2));

        // A GET alone from leaving to its answer is the registry's word: a quota that came back shows.
        ledger.Observe(Said(50), ledger.Sending("hub"));
        ledger.StartManifestGet("hub", 2);
        var alone = ledger.Sending("hub");
        ledger.Observe(Said(60), alone, ownGetInFlight: true);
        ledger.EndManifestGet("hub");
        Assert.Equal(60, ledger.RateLimitOf("hub")!.Remaining);
    }

    [Fact]
    public async Task ALongRetryAfterIsReportedNotSleptOn()
    {
        // Docker Hub's quota spent, six hours to go: one GET, a 429 with Retry-After, and the error at once.
        using var set = new QuotaHub(new PullQuota(100, remaining: 0), 100, "1.0");
        var ledger = new RequestLedger();
        var store = set.Store(new RegistryOptions { Ledger = ledger });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TooManyRequestsException>(() => store.GetManifestAsync(set.SourceReference("1.0"), None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(1, set.Quota.Refused);
        Assert.InRange(error.RetryAfter!.Value.TotalHours, 5.9, 6.0);
        Assert.NotNull(error.RetryAtUtc);
        Assert.Contains("Try again after " + error.RetryAtUtc!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.Contains("longer than the longest retry wait (1 min)", error.Message);
        Assert.Equal((1L, 0L), (ledger.TooManyRequests, ledger.Retries));
        Assert.Equal(0, ledger.RateLimitOf(set.Hub.Host)!.Remaining);
    }

    [Fact]
    public async Task ASpentQuotaWithoutRetryAfterEndsAtOnce()
    {
        using var set = new QuotaHub(new PullQuota(100, remaining: 0) { SendRetryAfter = false }, 100, "1.0");
        var store = set.Store(new RegistryOptions { RetryInterval = TimeSpan.FromSeconds(1) });

        var error = await Assert.ThrowsAsync<TooManyRequestsException>(() => store.GetManifestAsync(set.SourceReference("1.0"), None));

        Assert.Equal(1, set.Quota.Refused);
        Assert.Null(error.RetryAfter);
        Assert.Contains("its rate limit is spent (0 of 100 per 6 h left)", error.Message);
    }

    [Fact]
    public async Task AShortRetryAfterIsStillWaitedOnAndTheGetRetried()
    {
        // A window of 2 s: the 429 asks for about 2 s, within the longest retry wait; then the quota is back.
        using var set = new QuotaHub(new PullQuota(1, remaining: 0, windowSeconds: 2), 100, "1.0");
        var ledger = new RequestLedger();
        var store = set.Store(new RegistryOptions { Ledger = ledger });

        var manifest = await store.GetManifestAsync(set.SourceReference("1.0"), None);

        Assert.Equal(set.Hub.DigestOf(QuotaHub.Repository, "1.0"), manifest.Digest.ToString());
        Assert.Equal(1, set.Quota.Refused);
        Assert.Equal((1L, 1L, 2L), (ledger.TooManyRequests, ledger.Retries, ledger.Count(RequestKind.ManifestGet)));
    }

    [Fact]
    public async Task JunkRateLimitHeadersAreIgnoredAndTheRequestsGoOn()
    {
        using var set = new QuotaHub(new PullQuota(100) { Junk = ("lots;w=forever", "-3;w=21600") }, 100, "1.0");
        var ledger = new RequestLedger();
        var store = set.Store(new RegistryOptions { Ledger = ledger, RateLimitReserve = 50 });

        await store.GetManifestAsync(set.SourceReference("1.0"), None);
        await store.GetManifestAsync(set.SourceReference("1.0"), None);

        Assert.Null(ledger.RateLimitOf(set.Hub.Host));
        Assert.Equal(2, ledger.Count(RequestKind.ManifestGet));
    }

    [Theory]
    [InlineData("ratelimit-limit", "100;w=21600", "ratelimit-remaining", "76;w=21600", 100L, 76L, 21600)]
    [InlineData("x-ratelimit-limit", "5000", "x-ratelimit-remaining", "4999", 5000L, 4999L, 0)]
    [InlineData("RateLimit-Limit", "100, 100;w=21600", "RateLimit-Remaining", "7", 100L, 7L, 21600)]
    [InlineData("RateLimit", "limit=100, remaining=50, reset=30", "RateLimit-Policy", "100;w=60", 100L, 50L, 60)]
    [InlineData("ratelimit-remaining", "0;w=21600", "x-unrelated", "1", null, 0L, 21600)]
    public void RateLimitHeadersInEverySpellingParse(string name1, string value1, string name2, string value2, long? limit, long remaining, int window)
    {
        var state = RateLimitState.Parse("hub", Headers((name1, value1), (name2, value2)), DateTime.UtcNow);
        Assert.NotNull(state);
        Assert.Equal((limit, remaining), (state!.Limit, state.Remaining));
        Assert.Equal(window == 0 ? null : TimeSpan.FromSeconds(window), state.Window);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("-1;w=21600")]
    [InlineData("+5")]
    [InlineData("0x10")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999999")]
    [InlineData("4294967296")]
    [InlineData(";w=21600")]
    [InlineData("w=5")]
    [InlineData("\"\"")]
    [InlineData("5 5")]
    public void JunkRemainingIsNoRateLimitAndNeverThrows(string junk)
    {
        Assert.Null(RateLimitState.Parse("hub", Headers(("ratelimit-remaining", junk), ("ratelimit-limit", junk), ("RateLimit", "remaining=" + junk)), DateTime.UtcNow));
    }

    [Theory]
    [InlineData("12;w=abc", null)]
    [InlineData("12;w=-5", null)]
    [InlineData("12;w=0", null)]
    [InlineData("12;w", null)]
    [InlineData("12;;w=60;w=", 60)]
    public void AJunkWindowLeavesTheCountAndNoWindow(string value, int? window)
    {
        var state = RateLimitState.Parse("hub", Headers(("ratelimit-remaining", value)), DateTime.UtcNow);
        Assert.Equal(12, state!.Remaining);
        Assert.Equal(window is { } w ? TimeSpan.FromSeconds(w) : null, state.Window);
    }

    [Theory]
    [InlineData("HEAD", "/v2/library/app/manifests/1.0", RequestKind.ManifestHead)]
    [InlineData("GET", "/v2/library/app/manifests/sha256:abc", RequestKind.ManifestGet)]
    [InlineData("GET", "/v2/a/blobs/sha256:abc", RequestKind.BlobGet)]
    [InlineData("HEAD", "/v2/a/blobs/sha256:abc", RequestKind.BlobHead)]
    [InlineData("GET", "/v2/a/blobs/uploads/1234", RequestKind.Other)]
    [InlineData("GET", "/v2/a/blobs/uploads", RequestKind.Other)]
    [InlineData("POST", "/v2/a/blobs/uploads/", RequestKind.Write)]
    [InlineData("PATCH", "/v2/a/blobs/uploads/1234", RequestKind.Write)]
    [InlineData("PUT", "/v2/a/manifests/1.0", RequestKind.Write)]
    [InlineData("DELETE", "/v2/a/manifests/sha256:abc", RequestKind.Delete)]
    [InlineData("GET", "/v2/x/manifests/y/tags/list", RequestKind.Other)]
    [InlineData("GET", "/v2/", RequestKind.Other)]
    [InlineData("GET", "/v2/_catalog", RequestKind.Other)]
    [InlineData("GET", "/v2/a/referrers/sha256:abc", RequestKind.Other)]
    public void RequestsAreCountedByWhatTheyAre(string method, string path, RequestKind kind) =>
        Assert.Equal(kind, Core.Registry.Handlers.LedgerHandler.KindOf(new HttpMethod(method), new Uri(new Uri("https://hub.example"), path)));

    private static System.Net.Http.Headers.HttpResponseHeaders Headers(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage();
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response.Headers;
    }

    private static Task<CopyResult> Copy(Reference from, Reference to, RegistryOptions options, RegistrySessions? session = null)
    {
        var context = new StoreContext(session ?? new RegistrySessions { DockerConfigPath = null }, options, NullEngineLog.Instance);
        return CopyVerb.CopyAsync(from, to, new CopyOptions(), context, context, null, None);
    }
}
