using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace OciImage.Benchmarks;

/// <summary>
/// The figures of one benchmark run as a file (JSON): per scenario and contender the medians of wall time, peak
/// memory, user and system CPU, the ratios of OciImage's engine to each peer (wall and CPU, in a fresh process and,
/// where the scenario has that contender, in a session), and the machine's limits, the commit and the arguments,
/// so the README's numbers can be traced to a run. Written to --results FILE, else benchmark-results/ under the
/// current directory, one file per run.
/// </summary>
public static class ResultsFile
{
    private static readonly List<object> Scenarios = new();

    private static readonly List<object> Curves = new();

    /// <summary>A measured curve (<see cref="CurveRunner"/>): its points, each with its contenders' medians and ratios.</summary>
    public static void AddCurve(object curve) => Curves.Add(curve);

    public static void Add(Scenario scenario, Dictionary<string, List<Sample>> samples, Dictionary<string, RequestCount>? counts = null, List<GoalResult>? goals = null)
    {
        counts ??= new Dictionary<string, RequestCount>();
        // Ratios are the engine's (the first contender), as the console report gives them; a scenario with a
        // contender in a session also gets that one's, CPU included (its last run: no start-up, no JIT).
        var ours = samples.Values.First();
        var oursMedian = ours.Count == 0 ? double.NaN : Measurement.Median(ours.Select(s => s.Seconds));
        var oursCpu = ours.Count == 0 ? double.NaN : Measurement.Median(ours.Select(Cpu));
        var steady = samples.TryGetValue(Benchmarks.Scenarios.InSession, out var inSession) ? inSession : new List<Sample>();
        var steadyMedian = steady.Count == 0 ? double.NaN : Measurement.Median(steady.Select(s => s.Seconds));
        var steadyCpu = steady.Count == 0 ? double.NaN : Measurement.Median(steady.Select(Cpu));
        Scenarios.Add(new
        {
            scenario = scenario.Name,
            description = scenario.Description,
            contenders = samples.Where(p => p.Value.Count > 0).Select(p => new
            {
                contender = p.Key,
                runs = p.Value.Count,
                wallSeconds = Measurement.Median(p.Value.Select(s => s.Seconds)),
                peakMegabytes = Measurement.Median(p.Value.Select(s => (double)s.PeakKilobytes)) / 1024,
                userSeconds = Measurement.Median(p.Value.Select(s => s.UserSeconds)),
                systemSeconds = Measurement.Median(p.Value.Select(s => s.SystemSeconds)),
                oursOverThis = IsOurs(p.Key) ? null : Finite(oursMedian / Measurement.Median(p.Value.Select(s => s.Seconds))),
                oursCpuOverThis = IsOurs(p.Key) ? null : Finite(oursCpu / Measurement.Median(p.Value.Select(Cpu))),
                inSessionOverThis = IsOurs(p.Key) ? null : Finite(steadyMedian / Measurement.Median(p.Value.Select(s => s.Seconds))),
                inSessionCpuOverThis = IsOurs(p.Key) ? null : Finite(steadyCpu / Measurement.Median(p.Value.Select(Cpu))),
                samples = p.Value,

                // Counted in one more run through counting proxies (mirror scenarios): both ends, by kind.
                requests = counts.TryGetValue(p.Key, out var count) ? new
                {
                    total = count.Total,
                    source = count.Source,
                    destination = count.Destination,
                    perTag = count.PerTag,
                    listings = count.Listings,
                    perUnchangedTag = count.PerUnchangedTag,
                    sourceKinds = count.SourceKinds,
                    destinationKinds = count.DestinationKinds,
                } : null,
            }).ToList(),
            goals = (goals ?? new List<GoalResult>()).Select(g => new { goal = g.Goal, contender = g.Contender, value = g.Value, limit = g.Limit, met = g.Met }).ToList(),
        });
    }

    private static bool IsOurs(string contender) => contender.StartsWith("OciImage", StringComparison.Ordinal);

    /// <summary>Client CPU: user and system seconds.</summary>
    private static double Cpu(Sample sample) => sample.UserSeconds + sample.SystemSeconds;

    /// <summary>A ratio JSON can hold: a peer timed at 0 s (tiny data) gives no ratio rather than infinity.</summary>
    private static double? Finite(double value) => double.IsNaN(value) || double.IsInfinity(value) ? null : value;

    /// <summary>Writes the file; returns its path.</summary>
    public static string Write(string[] args, int runs, bool quick)
    {
        var at = Array.IndexOf(args, "--results");
        var commit = Git("rev-parse", "HEAD");
        var path = at >= 0 ? args[at + 1]
            : Path.Combine("benchmark-results", $"{DateTime.UtcNow:yyyyMMddTHHmmssZ}-{commit.Substring(0, Math.Min(12, commit.Length))}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            commit,
            dirty = Git("status", "--porcelain").Length > 0,
            utc = DateTime.UtcNow,
            quick,
            runs,
            arguments = args,
            // The limits take a 256 MB gzip (seconds): not measured for quick data, whose figures say nothing anyway.
            machine = new { cores = Environment.ProcessorCount, limits = quick ? "machine limits not measured (quick data)" : Limits.Describe(), loadAverage = CurveRunner.LoadAverage(), os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            scenarios = Scenarios,
            curves = Curves,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static string Git(params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
