using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Benchmarks;

/// <summary>
/// Measures curves: at each point, every contender once per run, alternating (so a busy spell on a shared machine
/// falls on all alike), then the medians of wall time, CPU and peak memory, and each peer's ratios (OciImage's
/// contender named by <see cref="CurvePoint.Peer"/> over the peer: below 1 OciImage is faster or smaller).
/// Prints each point as it is measured and adds the curve to the results file.
/// </summary>
public static class CurveRunner
{
    public static int Run(IEnumerable<Curve> curves, int runs)
    {
        var failures = 0;
        foreach (var curve in curves)
        {
            Console.WriteLine();
            Console.WriteLine($"curve {curve.Name}: {curve.Title}, by {curve.XLabel}");
            var points = new List<object>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var loadBefore = LoadAverage();
            foreach (var point in curve.Points())
            {
                var samples = point.Contenders.ToDictionary(c => c.Name, _ => new List<Sample>());
                for (var run = 0; run < runs; run++)
                {
                    foreach (var (contender, _, command, reset) in point.Contenders)
                    {
                        point.Reset?.Invoke();
                        reset?.Invoke();
                        try
                        {
                            samples[contender].Add(Measurement.Run(command()));
                        }
                        catch (InvalidOperationException ex)
                        {
                            Console.WriteLine($"  {curve.Name} at {point.Label} / {contender} failed: {ex.Message}");
                            failures++;
                        }
                    }
                }

                points.Add(Point(point, samples));
            }

            var load = $"{loadBefore} before, {LoadAverage()} after (1, 5, 15 minutes)";
            Console.WriteLine($"  ({clock.Elapsed.TotalSeconds:0} s with preparation; load average {load})");
            ResultsFile.AddCurve(new
            {
                curve = curve.Name,
                title = curve.Title,
                xLabel = curve.XLabel,
                chartMemory = curve.ChartMemory,
                runs,
                seconds = Math.Round(clock.Elapsed.TotalSeconds),
                loadAverage = load,
                points,
            });
        }

        return failures;
    }

    private static object Point(CurvePoint point, Dictionary<string, List<Sample>> samples)
    {
        static double Cpu(Sample s) => s.UserSeconds + s.SystemSeconds;
        (double Wall, double Cpu, double Memory)? Medians(string contender) =>
            samples.TryGetValue(contender, out var list) && list.Count > 0
                ? (Measurement.Median(list.Select(s => s.Seconds)), Measurement.Median(list.Select(Cpu)), Measurement.Median(list.Select(s => (double)s.PeakKilobytes)) / 1024)
                : null;

        Console.WriteLine($"  {point.Label}{(point.Note is null ? string.Empty : " (" + point.Note + ")")}");
        var contenders = new List<object>();
        foreach (var (contender, versus, _, _) in point.Contenders)
        {
            if (Medians(contender) is not { } these)
            {
                continue;
            }

            var ours = versus is null ? null : Medians(versus);
            static string R(double value) => double.IsFinite(value) ? value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
            var ratio = ours is { } o ? $"  {versus}/this {R(o.Wall / these.Wall)}, CPU {R(o.Cpu / these.Cpu)}, memory {R(o.Memory / these.Memory)}" : string.Empty;
            Console.WriteLine($"    {contender,-30} {these.Wall,8:0.000} s  {these.Memory,7:0} MB peak  {these.Cpu,7:0.00} s CPU{ratio}");
            contenders.Add(new
            {
                contender,
                versus,
                runs = samples[contender].Count,
                wallSeconds = these.Wall,
                userSeconds = Measurement.Median(samples[contender].Select(s => s.UserSeconds)),
                systemSeconds = Measurement.Median(samples[contender].Select(s => s.SystemSeconds)),
                peakMegabytes = these.Memory,
                oursOverThis = ours is { } w ? Finite(w.Wall / these.Wall) : null,
                oursCpuOverThis = ours is { } c ? Finite(c.Cpu / these.Cpu) : null,
                oursMemoryOverThis = ours is { } m ? Finite(m.Memory / these.Memory) : null,
                samples = samples[contender],
            });
        }

        return new { x = point.X, label = point.Label, note = point.Note, contenders };
    }

    /// <summary>The machine's load average (1, 5, 15 minutes), as the figures must be read against it on a shared machine.</summary>
    public static string LoadAverage() =>
        System.IO.File.Exists("/proc/loadavg") ? string.Join(" ", System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double? Finite(double value) => double.IsNaN(value) || double.IsInfinity(value) ? null : value;
}
