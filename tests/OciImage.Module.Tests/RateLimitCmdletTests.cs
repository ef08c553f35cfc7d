using System;
using System.Diagnostics;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Copy-OciImage against a registry with Docker Hub's pull quota: -RateLimitReserve and a 429 of hours.</summary>
public sealed class RateLimitCmdletTests
{
    [Fact]
    public void RateLimitReserveCopiesWhatTheQuotaAllowsAndNamesEachImageHeldBack()
    {
        using var set = new QuotaHub(new PullQuota(100, remaining: 3), 300, "a", "b", "c", "d");
        var (hub, mirror) = (set.Hub, set.Mirror);
        using var host = new PowerShellHost();
        var sources = set.SourceList("a", "b", "c", "d");
        var result = host.Run($"Copy-OciImage {sources} {mirror.Host}/m/app -RateLimitReserve 1 -Verbose");

        // 3 left, a reserve of 1: a and b are pulled (3 -> 2 -> 1), c and d are not started.
        Assert.Equal(2, result.Output.Count);
        Assert.Equal(2, result.Errors.Count);
        foreach (var (error, tag) in result.Errors.Zip(new[] { "c", "d" }))
        {
            Assert.Equal("RateLimitReserve,OciImage.Commands.CopyOciImageCommand", error.FullyQualifiedErrorId);
            Assert.Equal("LimitsExceeded", error.CategoryInfo.Category.ToString());
            Assert.Contains($"library/app:{tag}", error.TargetObject?.ToString());
            Assert.Contains("1 manifest pulls left in its 6 h window", error.ToString());
        }

        Assert.Equal(1, set.Quota.Remaining);
        Assert.True(mirror.HasTag("m/app", "b"));
        Assert.False(mirror.HasTag("m/app", "c"));
        var summary = Assert.Single(result.Verbose, v => v.StartsWith("Registry requests:", StringComparison.Ordinal));
        Assert.Contains("2 ManifestGet", summary);
        Assert.Contains($"{hub.Host} 1 of 100 per 6 h left", summary);
    }

    [Fact]
    public void A429WithARetryAfterOfHoursIsOneErrorSayingWhenNotAWait()
    {
        using var set = new QuotaHub(new PullQuota(100, remaining: 0), 300, "1.0");
        using var host = new PowerShellHost();
        var clock = Stopwatch.StartNew();

        var error = Assert.Single(host.Run($"Copy-OciImage {set.Source("1.0")} {set.Mirror.Host}/m/app").Errors);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal("TooManyRequests,OciImage.Commands.CopyOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Try again after", error.ToString());
        Assert.Equal(1, set.Quota.Refused);
    }
}
