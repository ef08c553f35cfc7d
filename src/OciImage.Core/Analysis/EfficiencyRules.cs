using System.Collections.Generic;
using System.Globalization;

namespace OciImage.Core.Analysis;

/// <summary>
/// dive --ci's three rules, with dive's comparisons: lowestEfficiency fails when the threshold is above the
/// efficiency; highestWastedBytes when the wasted bytes are above the threshold; highestUserWastedPercent when
/// the threshold is below the wasted percent (a fraction; NaN, from an image with no user bytes, passes).
/// A rule left null is not checked.
/// </summary>
public sealed class EfficiencyRules
{
    public double? MinimumEfficiency { get; init; }

    public long? MaximumWastedBytes { get; init; }

    public double? MaximumWastedPercent { get; init; }

    /// <summary>One line per failed rule, naming the rule, the figure and the threshold; empty when all pass.</summary>
    public IReadOnlyList<string> Evaluate(ImageAnalysis analysis)
    {
        var failures = new List<string>();
        if (MinimumEfficiency is { } lowest && lowest > analysis.Efficiency)
        {
            failures.Add($"efficiency {Figure(analysis.Efficiency)} is below the minimum {Figure(lowest)} (dive: lowestEfficiency)");
        }

        if (MaximumWastedBytes is { } highest && analysis.WastedBytes > highest)
        {
            failures.Add($"wasted bytes {analysis.WastedBytes.ToString(CultureInfo.InvariantCulture)} are above the maximum {highest.ToString(CultureInfo.InvariantCulture)} (dive: highestWastedBytes)");
        }

        if (MaximumWastedPercent is { } percent && percent < analysis.WastedPercent)
        {
            // dive's rule takes a fraction (highestUserWastedPercent: 0.1 is 10 %); people read percents: both, always.
            failures.Add($"wasted {Percent(analysis.WastedPercent)} of the {analysis.UserSize.ToString(CultureInfo.InvariantCulture)} user bytes (the fraction {Figure(analysis.WastedPercent)}) is above the maximum {Percent(percent)} (-MaximumWastedPercent {Figure(percent)}; dive: highestUserWastedPercent)");
        }

        return failures;
    }

    private static string Figure(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
}
