using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A token server's answer is a document like any other: bounded in size, in time (a deadline and the slow-body
/// guard, whatever -MaximumRetryCount says) and in shape (a wrong-shaped answer is Unauthorized, never a raw error).
/// </summary>
public sealed class TokenAnswerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static RecordingServer RegistryWithRealm(string realmHost) =>
        new("127.0.0.1", Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}"), "application/json",
            new Dictionary<string, string> { ["WWW-Authenticate"] = $"Bearer realm=\"http://{realmHost}/token\",service=\"svc\"" }, status: 401);

    [Fact]
    public async Task ATokenAnswerThatTricklesIsCutByTheSlowBodyGuardEvenWithoutRetries()
    {
        using var realm = new EndlessAnswerServer(trickle: true);
        using var registry = RegistryWithRealm(realm.Host);
        var client = TestClients.Client(registry.Host, new RegistryOptions { MaximumRetryCount = 0, SlowBodyWindow = TimeSpan.FromSeconds(1) });

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.PingAsync(None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains("did not answer in full", error.Message);
        Assert.Contains("stalled", error.Message);
    }

    [Fact]
    public async Task ATokenAnswerThatTricklesFastEnoughForTheGuardStillMeetsTheDeadline()
    {
        // 5 bytes a second passes a guard of 1 byte in 5 s, so only the request timeout can end it: it covers the whole
        // answer. (The guard's window is longer than the deadline so that a loaded machine, which can hold the trickle
        // back for a second, cannot make the guard fire first; without the deadline the guard would say "stalled".)
        using var realm = new EndlessAnswerServer(trickle: true) { TrickleInterval = TimeSpan.FromMilliseconds(200) };
        using var registry = RegistryWithRealm(realm.Host);
        var client = TestClients.Client(registry.Host, new RegistryOptions
        {
            MaximumRetryCount = 0, SlowBodyWindow = TimeSpan.FromSeconds(5), SlowBodyMinimumBytes = 1, RequestTimeout = TimeSpan.FromSeconds(2),
        });

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.PingAsync(None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Contains("no whole answer within 2 s", error.Message);
    }

    [Fact]
    public async Task AnEndlessTokenAnswerIsRefusedPastItsLimit()
    {
        using var realm = new EndlessAnswerServer(trickle: false);
        using var registry = RegistryWithRealm(realm.Host);
        var client = TestClients.Client(registry.Host, new RegistryOptions { MaximumRetryCount = 0 });

        var error = await Assert.ThrowsAsync<UnauthorizedException>(() => client.PingAsync(None));
        Assert.Contains("answered more than 1024 KiB", error.Message);
        Assert.True(realm.BodyBytesWritten < 64L * 1024 * 1024, $"the realm wrote {realm.BodyBytesWritten} bytes");
    }

    [Theory]
    [InlineData("[]", "answered something that is not a token answer")]
    [InlineData("{\"token\":5}", "answered something that is not a token answer")]
    [InlineData("{\"access_token\":{\"a\":1},\"expires_in\":\"soon\"}", "answered something that is not a token answer")]
    [InlineData("not json", "answered something that is not a token answer")]
    [InlineData("{\"token\":\"abc\\r\\nX-Injected: 1\"}", "answered something that is not a token answer")]
    [InlineData("{\"token\":\"caf\u00e9\"}", "answered something that is not a token answer")]
    public async Task AWrongShapedTokenAnswerIsUnauthorized(string answer, string said)
    {
        using var realm = new RecordingServer("127.0.0.1", Encoding.UTF8.GetBytes(answer), "application/json");
        using var registry = RegistryWithRealm(realm.Host);
        var client = TestClients.Client(registry.Host, new RegistryOptions { MaximumRetryCount = 0 });

        var error = await Assert.ThrowsAsync<UnauthorizedException>(() => client.PingAsync(None));
        Assert.Contains(said, error.Message);
    }
}
