using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The referrers-API memo (a store asks the registry once whether it has the API; parallel callers wait for that
/// answer) must not turn one failure into a queue: when the first question fails, times out or is cancelled, the
/// callers waiting behind it ask in parallel, not one after another each waiting out the same failure (an inventory
/// of N tags would take N request timeouts instead of N / 16).
/// </summary>
public sealed class ReferrersProbeFailureTests
{
    private static Digest Subject(int n) => Digest.Compute(new[] { (byte)n });

    private static RegistryStore Store(FailingReferrersApi registry) =>
        TestClients.Store(registry.Host, "inv/app", new RegistryOptions { MaximumRetryCount = 0, RequestTimeout = TimeSpan.FromSeconds(2) });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CallersQueuedBehindAFailedFirstQuestionAskInParallel(bool firstNeverAnswers)
    {
        using var registry = new FailingReferrersApi(firstNeverAnswers);
        var store = Store(registry);

        var first = Task.Run(() => store.ListReferrersAsync(Subject(1), CancellationToken.None));
        await WaitForAsync(() => registry.Asked == 1);
        var later = new[] { Subject(2), Subject(3) }.Select(s => Task.Run(() => store.ListReferrersAsync(s, CancellationToken.None))).ToList();

        var error = await Assert.ThrowsAnyAsync<OciException>(() => first);
        Assert.True(error is RegistryErrorException or RegistryUnreachableException, error.ToString());
        Assert.All(await Task.WhenAll(later), Assert.Empty);
        Assert.Equal(2, registry.MaxInFlight);
    }

    [Fact]
    public async Task AFirstQuestionCancelledReleasesTheOthersInParallel()
    {
        using var registry = new FailingReferrersApi(firstNeverAnswers: true);
        var store = Store(registry);
        using var cancel = new CancellationTokenSource();

        var first = Task.Run(() => store.ListReferrersAsync(Subject(1), cancel.Token));
        await WaitForAsync(() => registry.Asked == 1);
        var later = new[] { Subject(2), Subject(3) }.Select(s => Task.Run(() => store.ListReferrersAsync(s, CancellationToken.None))).ToList();
        await Task.Delay(100);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.All(await Task.WhenAll(later), Assert.Empty);
        Assert.Equal(2, registry.MaxInFlight);

        // The semaphore is free: a question after all that is answered at once.
        Assert.Empty(await store.ListReferrersAsync(Subject(4), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
