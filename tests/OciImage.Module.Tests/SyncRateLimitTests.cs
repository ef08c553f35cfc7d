using System;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Sync-OciRepository against a registry with Docker Hub's pull quota: the reserve, and the summary's counts.</summary>
public sealed class SyncRateLimitTests
{
    [Fact]
    public void TheReserveStopsNewPullsAndTheRestIsReportedNotStarted()
    {
        using var set = new QuotaHub(new PullQuota(100, remaining: 3), 300, "a", "b", "c", "d");
        var (hub, mirror) = (set.Hub, set.Mirror);
        using var host = new PowerShellHost();
        var sources = set.SourceList("a", "b", "c", "d");
        var run = host.Run($"Sync-OciRepository {sources} {mirror.Host}/m/app -RateLimitReserve 1 -ThrottleLimit 1");

        // 3 pulls left, a reserve of 1: a and b are read once (for the plan, and the copy reuses them); c and d wait.
        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors.Select(e => e.ToString())) + string.Join("\n", run.Warnings));
        var results = run.Output.Where(o => o.TypeNames[0] == "OciImage.OciSyncResult").ToList();
        Assert.Equal(new[] { "Copied", "Copied", "NotStarted", "NotStarted" }, results.Select(r => r.Properties["Status"].Value.ToString()).OrderBy(s => s));
        Assert.All(results.Where(r => (string)r.Properties["Status"].Value == "NotStarted"), r => Assert.Contains("pulls left", r.Properties["Reason"].Value.ToString()));
        var summary = run.Output.Single(o => o.TypeNames[0] == "OciImage.OciSyncSummary");
        Assert.Equal(2, (int)summary.Properties["NotStarted"].Value);
        Assert.Equal(1L, (long?)summary.Properties["RateLimitRemaining"].Value);
        Assert.True((long?)summary.Properties["Requests"].Value > 0);
        Assert.Equal(1, set.Quota.Remaining);
        Assert.True(mirror.HasTag("m/app", "b"));
        Assert.False(mirror.HasTag("m/app", "c"));
    }
}
