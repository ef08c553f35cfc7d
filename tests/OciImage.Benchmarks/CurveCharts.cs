using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace OciImage.Benchmarks;

/// <summary>
/// The curves of a results file as SVG charts (--charts RESULTS OUTDIR: per curve its wall time, and its peak
/// memory where that is the point of the curve, one line per contender, each peer's point marked with OciImage's
/// ratio to it) and as tables (--table), so every figure in docs/PERFORMANCE.md's Curves section is one a run wrote down.
/// </summary>
public static class CurveCharts
{
    /// <summary>Writes the charts; returns the files written.</summary>
    public static IReadOnlyList<string> Write(string results, string outputDirectory)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(results));
        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        foreach (var curve in Curves(document.RootElement))
        {
            var name = curve.GetProperty("curve").GetString()!;
            var title = curve.GetProperty("title").GetString()!;
            var xLabel = curve.GetProperty("xLabel").GetString()!;
            var points = curve.GetProperty("points").EnumerateArray().ToList();
            var ticks = points.Select(p => (p.GetProperty("x").GetDouble(), p.GetProperty("label").GetString()!)).ToList();
            var charts = new List<(string Suffix, string YLabel, string Value, string Ratio)> { ("time", "wall time (s)", "wallSeconds", "oursOverThis") };
            if (curve.TryGetProperty("chartMemory", out var memory) && memory.ValueKind == JsonValueKind.True)
            {
                charts.Add(("memory", "peak memory (MB)", "peakMegabytes", "oursMemoryOverThis"));
            }

            foreach (var (suffix, yLabel, value, ratio) in charts)
            {
                var series = Contenders(points).Select(contender => new ChartSeries(contender, points
                    .SelectMany(p => p.GetProperty("contenders").EnumerateArray()
                        .Where(c => c.GetProperty("contender").GetString() == contender)
                        .Select(c => new ChartPoint(p.GetProperty("x").GetDouble(), c.GetProperty(value).GetDouble(), Ratio(c, ratio))))
                    .ToList())).ToList();
                var path = Path.Combine(outputDirectory, $"{name}-{suffix}.svg");
                File.WriteAllText(path, SvgChart.Draw($"{title}: {(suffix == "time" ? "wall time" : "peak memory")}", xLabel, yLabel, series, ticks));
                written.Add(path);
            }
        }

        return written;
    }

    /// <summary>Per curve a table: each point's contenders with medians, and each peer's ratios (OciImage over it).</summary>
    public static void PrintTables(JsonElement root, TextWriter output)
    {
        foreach (var curve in Curves(root))
        {
            output.WriteLine();
            var load = curve.TryGetProperty("loadAverage", out var l) ? $"; load average {l.GetString()}" : string.Empty;
            output.WriteLine($"Curve `{curve.GetProperty("curve").GetString()}`: {curve.GetProperty("title").GetString()}, by {curve.GetProperty("xLabel").GetString()} "
                + $"({curve.GetProperty("runs").GetInt32()} runs each, medians{load})");
            output.WriteLine();
            output.WriteLine("| work | contender | wall | CPU (user + sys) | peak memory | OciImage / this: wall | CPU | memory |");
            output.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var point in curve.GetProperty("points").EnumerateArray())
            {
                var first = true;
                var note = point.TryGetProperty("note", out var n) && n.ValueKind == JsonValueKind.String ? $" ({n.GetString()})" : string.Empty;
                foreach (var c in point.GetProperty("contenders").EnumerateArray())
                {
                    var cpu = c.GetProperty("userSeconds").GetDouble() + c.GetProperty("systemSeconds").GetDouble();
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {(first ? point.GetProperty("label").GetString() + note : string.Empty)} | {c.GetProperty("contender").GetString()!.Replace("|", "\\|", StringComparison.Ordinal)} "
                        + $"| {c.GetProperty("wallSeconds").GetDouble():0.00} s | {cpu:0.00} s | {c.GetProperty("peakMegabytes").GetDouble():0} MB "
                        + $"| {Bold(Ratio(c, "oursOverThis"))} | {Ratio(c, "oursCpuOverThis")} | {Ratio(c, "oursMemoryOverThis")} |"));
                    first = false;
                }
            }
        }
    }

    private static IEnumerable<JsonElement> Curves(JsonElement root) =>
        root.TryGetProperty("curves", out var curves) && curves.ValueKind == JsonValueKind.Array ? curves.EnumerateArray() : Enumerable.Empty<JsonElement>();

    /// <summary>Every contender of a curve, in the order they first appear (a contender may miss a point).</summary>
    private static IEnumerable<string> Contenders(IEnumerable<JsonElement> points) =>
        points.SelectMany(p => p.GetProperty("contenders").EnumerateArray().Select(c => c.GetProperty("contender").GetString()!)).Distinct();

    private static string? Ratio(JsonElement contender, string name) =>
        contender.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("0.00", CultureInfo.InvariantCulture) + "×" : null;

    private static string Bold(string? text) => text is null ? string.Empty : "**" + text + "**";
}
