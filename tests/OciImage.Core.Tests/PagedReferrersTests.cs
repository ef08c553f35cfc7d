using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The referrers API may page its answer with Link rel="next" (distribution spec), as tag lists are: every page is
/// read on the registry's own origin, the 10,000 bound holds across the pages, a refused next page ends the list
/// with a warning, and a loop is an error (<see cref="PagedReferrersApi"/>).
/// </summary>
public sealed class PagedReferrersTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task EveryPageOfTheReferrersListIsRead()
    {
        using var server = new PagedReferrersApi(PagedReferrersApi.Relative, 2, 1, 3);
        var store = TestClients.Store(server.Host, "app");
        var listed = await Referrers.ListAsync(store, server.Subject, None);
        Assert.Equal(new[] { PagedReferrersApi.DigestOf(1, 0), PagedReferrersApi.DigestOf(1, 1), PagedReferrersApi.DigestOf(2, 0), PagedReferrersApi.DigestOf(3, 0), PagedReferrersApi.DigestOf(3, 1), PagedReferrersApi.DigestOf(3, 2) },
            listed.Select(d => d.Digest.ToString()));
        Assert.Equal(3, server.LastPageRead);
    }

    [Fact]
    public async Task TheBoundHoldsAcrossThePagesAndStopsAskingPastIt()
    {
        using var server = new PagedReferrersApi(PagedReferrersApi.Relative, 6_000, 6_000, 1);
        var store = TestClients.Store(server.Host, "app");
        var error = await Assert.ThrowsAsync<ManifestTooLargeException>(() => Referrers.ListAsync(store, server.Subject, None));
        Assert.Contains("more than 10000", error.Message);
        Assert.Equal(2, server.LastPageRead);
    }

    [Fact]
    public async Task ARefusedNextPageEndsTheListWithAWarning()
    {
        using var server = new PagedReferrersApi(PagedReferrersApi.OtherHost, 1, 1);
        var log = new RecordingLog();
        var store = TestClients.Store(server.Host, "app", null, log);
        var listed = await Referrers.ListAsync(store, server.Subject, None);
        Assert.Equal(PagedReferrersApi.DigestOf(1, 0), Assert.Single(listed).Digest.ToString());
        Assert.Equal(1, server.LastPageRead);
        var warning = Assert.Single(log.Messages, m => m.StartsWith("WARNING: ", StringComparison.Ordinal));
        Assert.Contains("partial", warning);
    }

    [Fact]
    public async Task ANextPageLinkThatGoesRoundIsAnError()
    {
        using var server = new PagedReferrersApi(PagedReferrersApi.Itself, 1, 1);
        var store = TestClients.Store(server.Host, "app");
        var error = await Assert.ThrowsAsync<RegistryErrorException>(() => Referrers.ListAsync(store, server.Subject, None));
        Assert.Contains("loop", error.Message);
    }
}
