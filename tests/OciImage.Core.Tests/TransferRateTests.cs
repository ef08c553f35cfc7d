using System;
using Xunit;

using OciImage.Core.Copy;

namespace OciImage.Core.Tests;

public class TransferRateTests
{
    [Fact]
    public void TheRateIsTheWindowsAndTheTimeLeftFollowsIt()
    {
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rate = new TransferRate(start);
        Assert.Equal(0, rate.Update(start.AddMilliseconds(500), 1_000_000));
        Assert.Equal(-1, rate.SecondsLeft(1_000_000));

        Assert.Equal(1_000_000, rate.Update(start.AddSeconds(2), 2_000_000));
        Assert.Equal(8, rate.SecondsLeft(8_000_000));

        // A new window from second 5 on: a slower second half is what the rate says, not the average since the start.
        rate.Update(start.AddSeconds(5), 5_000_000);
        Assert.Equal(100_000, rate.Update(start.AddSeconds(7), 5_200_000));
        Assert.Equal(-1, rate.SecondsLeft(0));
    }
}
