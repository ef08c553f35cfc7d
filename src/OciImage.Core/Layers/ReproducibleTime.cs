using System;
using System.Globalization;

namespace OciImage.Core.Layers;

/// <summary>
/// The default time for reproducible output: SOURCE_DATE_EPOCH when set (reproducible-builds.org), else the
/// Unix epoch. Read by the cmdlets, at the edge, and passed down as a value.
/// </summary>
public static class ReproducibleTime
{
    public static DateTimeOffset Default(string? sourceDateEpoch) =>
        long.TryParse(sourceDateEpoch, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.FromUnixTimeSeconds(0);

    public static DateTimeOffset FromEnvironment() => Default(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"));
}
