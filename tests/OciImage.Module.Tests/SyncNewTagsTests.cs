using System;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// A tag missing at the destination registry costs no request there once one was: its HEAD would be a 404 that
/// the store follows with a tag listing, two requests per new tag; the planner lists the destination's tags once
/// instead. Tags the listing names are still checked by their HEAD (the digest decides).
/// </summary>
public sealed class SyncNewTagsTests : IClassFixture<SyncFixture>
{
    private readonly SyncFixture _fixture;

    public SyncNewTagsTests(SyncFixture fixture) => _fixture = fixture;

    private static int TagHeads(FaultProxy proxy, string repository) =>
        proxy.Log.Count(l => l.StartsWith($"HEAD /v2/{repository}/manifests/", StringComparison.Ordinal) && !l.Contains("sha256:", StringComparison.Ordinal));

    private static int Listings(FaultProxy proxy) => proxy.Log.Count(l => l.Contains("/tags/list", StringComparison.Ordinal));

    [ToolFact("docker-registry")]
    public void AFreshMirrorChecksOneTagAtTheDestinationThenListsTheRestOnce()
    {
        using var host = new PowerShellHost();
        using var destination = new FaultProxy(_fixture.Host);
        var run = host.Run($"Sync-OciRepository {_fixture.Host}/src/app {destination.Host}/new1/app -ThrottleLimit 1");
        Assert.Empty(run.Errors);
        var tags = host.RunClean($"(Get-OciTag {_fixture.Host}/src/app).Tag").Count;
        Assert.Equal(tags, run.Output.Count(o => o.TypeNames[0] == "OciImage.OciSyncResult" && (string)o.Properties["Status"].Value == "Copied"));

        // One tag's HEAD (404) and the listing that describes it, then one listing for the plan: not two per tag.
        Assert.Equal(1, TagHeads(destination, "new1/app"));
        Assert.Equal(2, Listings(destination));
    }

    [ToolFact("docker-registry")]
    public void TagsTheListingNamesAreStillCheckedByTheirDigest()
    {
        using var host = new PowerShellHost();
        host.RunClean($"Sync-OciRepository {_fixture.Host}/src/app {_fixture.Host}/new2/app -Include '1.*' | Out-Null");
        using var destination = new FaultProxy(_fixture.Host);
        var run = host.Run($"Sync-OciRepository {_fixture.Host}/src/app {destination.Host}/new2/app -ThrottleLimit 1");
        Assert.Empty(run.Errors);
        var status = run.Output.Where(o => o.TypeNames[0] == "OciImage.OciSyncResult")
            .ToDictionary(o => ((string)o.Properties["Destination"].Value).Split(':').Last(), o => (string)o.Properties["Status"].Value);
        Assert.All(new[] { "1.0.0", "1.1.0", "1.2.0" }, t => Assert.Equal("UpToDate", status[t]));
        Assert.Equal("Copied", status["2.0.0"]);
        Assert.Equal("Copied", status["latest"]);

        // The three present tags by their HEAD, the first missing one by its HEAD, the others by the one listing.
        Assert.Equal(4, TagHeads(destination, "new2/app"));
        Assert.Equal(2, Listings(destination));
    }
}
