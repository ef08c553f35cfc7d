using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// dotnet run -c Release --project tests/OciImage.Benchmarks -- [--quick] [--mirror-full] [--runs N] [--results FILE] [SCENARIO...]
///   times every scenario for OciImage (engine and cmdlets) and its peers, alternating, and prints medians,
///   ratios OciImage/peer and peak memory (the mirror scenarios also requests, counted through proxies, and the
///   issue's goals, met or missed; --mirror-full keeps their 200 tags with --quick data); --micro runs the BenchmarkDotNet suite of hot paths instead;
///   --throughput [TREE] [--only runtime-Optimal,portable-Optimal] [--cores 1,2] prints where a layer build's CPU goes and MB/s per core of each encoder and level at 1
///   and 2 threads (see Throughput);
///   --table FILE prints the performance table (docs/PERFORMANCE.md) from a results file, and its curve tables;
///   --curves [layer analysis mirror copy inventory] [--quick] [--mirror-2000] [--runs N] [--results FILE] measures how cost grows with the
///   work (see CurveSets) into a results file; --charts RESULTS OUTDIR draws its curves as SVG (see CurveCharts);
///   --session N OPERATION... runs an engine operation N times in one process and reports the last (see ChildRun);
///   --serve prepares the data, prints where it is and keeps the registries up until stdin closes (to profile).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == "--run")
        {
            return ChildRun.Engine(args.Skip(1).ToArray());
        }

        if (args.Length >= 3 && args[0] == "--session")
        {
            return ChildRun.Session(int.Parse(args[1]), args.Skip(2).ToArray());
        }

        if (args.Length == 2 && args[0] == "--cmdlet")
        {
            return ChildRun.Cmdlet(args[1]);
        }

        if (args.Length == 2 && args[0] == "--table")
        {
            return ResultsTable.Print(args[1], Console.Out);
        }

        if (args.Length == 3 && args[0] == "--charts")
        {
            foreach (var written in CurveCharts.Write(args[1], args[2]))
            {
                Console.WriteLine(written);
            }

            return 0;
        }

        if (args.Contains("--curves"))
        {
            return RunCurves(args);
        }

        if (args.Length >= 1 && args[0] == "--throughput")
        {
            var repeatsAt = Array.IndexOf(args, "--runs");
            var repeats = repeatsAt >= 0 ? int.Parse(args[repeatsAt + 1]) : 3;
            var onlyAt = Array.IndexOf(args, "--only");
            var only = onlyAt >= 0 ? args[onlyAt + 1].Split(',') : null;
            var coresAt = Array.IndexOf(args, "--cores");
            var cores = coresAt >= 0 ? args[coresAt + 1].Split(',').Select(int.Parse).ToArray() : null;
            var tree = args.Length >= 2 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : null;
            if (tree is null)
            {
                using var prepared = DataSet.Prepare(quick: false);
                return Throughput.Run(prepared.Tree, repeats, only, cores);
            }

            return Throughput.Run(tree, repeats, only, cores);
        }

        if (args.Contains("--micro"))
        {
            BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--micro").ToArray());
            return 0;
        }

        var quick = args.Contains("--quick");
        if (args.Contains("--serve"))
        {
            // For profiling by hand: the data and registries stay up until stdin closes.
            using var served = DataSet.Prepare(quick, args.Contains("--mirror-full"));
            Console.WriteLine($"source {served.Source.Host} (big/app:1, huge/app:1, tags/app), destination {served.Destination.Host}, layout {served.Layout} (big, huge), tree {served.Tree}; mirror {served.Source.Host}/{MirrorData.Repository} ({served.Mirror.Tags} tags) to {served.Mirror.Destination.Host}");
            Console.In.ReadToEnd();
            return 0;
        }

        var runsIndex = Array.IndexOf(args, "--runs");
        var runs = runsIndex >= 0 ? int.Parse(args[runsIndex + 1]) : quick ? 1 : 3;
        var wanted = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || (args[i - 1] != "--runs" && args[i - 1] != "--results"))).ToHashSet();

        Console.WriteLine($"OciImage benchmarks: {Environment.ProcessorCount} cores, {runs} run(s) each{(quick ? ", quick data" : string.Empty)}");
        if (!quick)
        {
            Console.WriteLine(Limits.Describe());
        }

        // The import scenario needs none of the data: run alone, it does not prepare it (minutes and over a GB).
        using var data = wanted.Count == 0 || wanted.Any(w => w != "import") ? DataSet.Prepare(quick, args.Contains("--mirror-full")) : null;
        if (data is not null)
        {
            Console.WriteLine($"tree: {data.Tree} ({TreeSize(data.Tree) >> 20} MiB)");
        }

        var self = Assembly.GetExecutingAssembly().Location;
        var failures = 0;
        foreach (var scenario in (data is null ? Enumerable.Empty<Scenario>() : Scenarios.All(data, self)).Where(s => wanted.Count == 0 || wanted.Contains(s.Name)))
        {
            var samples = scenario.Contenders.ToDictionary(c => c.Contender, _ => new List<Sample>());
            var counts = new Dictionary<string, RequestCount>();
            for (var run = 0; run < runs; run++)
            {
                // Alternate contenders within each run so drift affects all alike.
                foreach (var (contender, command) in scenario.Contenders)
                {
                    scenario.Reset?.Invoke();
                    try
                    {
                        // On small data (the smoke test), a counted contender's one run is also its timed run.
                        if (scenario.CountInTimedRun && scenario.CountRequests is { } countTimed && Counted(contender))
                        {
                            var (requests, sample) = countTimed(command);
                            counts[contender] = requests;
                            samples[contender].Add(sample);
                        }
                        else
                        {
                            samples[contender].Add(Measurement.Run(command()));
                        }
                    }
                    catch (InvalidOperationException ex)
                    {
                        Console.WriteLine($"  {scenario.Name} / {contender} failed: {ex.Message}");
                        failures++;
                    }
                }
            }

            // Requests are counted in one more run per contender, through counting proxies (not timed: the proxies
            // would slow both ends); the cmdlet and a session run the engine's requests (a session several times), so
            // only the engine and the peers are counted.
            if (scenario.CountRequests is { } count && !scenario.CountInTimedRun)
            {
                foreach (var (contender, command) in scenario.Contenders.Where(c => Counted(c.Contender)))
                {
                    scenario.Reset?.Invoke();
                    try
                    {
                        counts[contender] = count(command).Requests;
                    }
                    catch (InvalidOperationException ex)
                    {
                        Console.WriteLine($"  {scenario.Name} / {contender} failed (counting requests): {ex.Message}");
                        failures++;
                    }
                }
            }

            var goals = ScenarioGoals.Evaluate(scenario, samples, counts);
            Report(scenario, samples, counts, goals);
            ResultsFile.Add(scenario, samples, counts, goals);
        }

        if (wanted.Count == 0 || wanted.Contains("import"))
        {
            failures += ImportTiming.Report(runs, quick);
        }

        Console.WriteLine("results: " + ResultsFile.Write(args, runs, quick));
        return failures == 0 ? 0 : 1;
    }

    /// <summary>--curves [GROUP...] [--quick] [--mirror-2000] [--runs N] [--results FILE]: the curves, 3 runs a point unless told.</summary>
    private static int RunCurves(string[] args)
    {
        var quick = args.Contains("--quick");
        var runsAt = Array.IndexOf(args, "--runs");
        var runs = runsAt >= 0 ? int.Parse(args[runsAt + 1]) : quick ? 1 : 3;
        var groups = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && i > 0 && args[i - 1] != "--runs" && args[i - 1] != "--results").ToList();
        Console.WriteLine($"OciImage curves: {Environment.ProcessorCount} cores, {runs} run(s) a point{(quick ? ", quick data" : string.Empty)}; load average {CurveRunner.LoadAverage()}");
        using var temp = new HarnessFolder("ocicurves");
        var failures = CurveRunner.Run(new CurveSets(temp, Assembly.GetExecutingAssembly().Location, quick, args.Contains("--mirror-2000")).Select(groups), runs);
        Console.WriteLine("results: " + ResultsFile.Write(args, runs, quick));
        return failures == 0 ? 0 : 1;
    }

    private static bool Counted(string contender) =>
        !contender.Contains("cmdlet", StringComparison.Ordinal) && !contender.StartsWith(Scenarios.InSession, StringComparison.Ordinal);

    private static long TreeSize(string root) =>
        new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Sum(f => f.Length);

    private static void Report(Scenario scenario, Dictionary<string, List<Sample>> samples, Dictionary<string, RequestCount> counts, List<GoalResult> goals)
    {
        Report(scenario, samples);
        foreach (var (contender, count) in counts)
        {
            var kinds = string.Join(", ", count.SourceKinds.Select(k => $"{k.Key} {k.Value}")) + " | " + string.Join(", ", count.DestinationKinds.Select(k => $"{k.Key} {k.Value}"));
            var perUnchanged = count.PerUnchangedTag is { } p ? $", {p:0.00} per unchanged tag besides {count.Listings} tag listing(s)" : string.Empty;
            Console.WriteLine($"  requests {contender,-13} {count.Total,6} ({count.Source} source, {count.Destination} destination; {count.PerTag:0.00} per tag{perUnchanged}): {kinds}");
        }

        foreach (var goal in goals)
        {
            Console.WriteLine("  " + goal);
        }
    }

    private static void Report(Scenario scenario, Dictionary<string, List<Sample>> samples)
    {
        Console.WriteLine();
        Console.WriteLine($"{scenario.Name}: {scenario.Description}");
        var ours = samples.Values.First();
        var oursMedian = ours.Count == 0 ? double.NaN : Measurement.Median(ours.Select(s => s.Seconds));
        var oursCpu = ours.Count == 0 ? double.NaN : Measurement.Median(ours.Select(s => s.UserSeconds + s.SystemSeconds));
        (double Wall, double Cpu)? session = samples.TryGetValue(Scenarios.InSession, out var steady) && steady.Count > 0
            ? (Measurement.Median(steady.Select(s => s.Seconds)), Measurement.Median(steady.Select(s => s.UserSeconds + s.SystemSeconds)))
            : null;
        foreach (var (contender, list) in samples)
        {
            if (list.Count == 0)
            {
                continue;
            }

            var median = Measurement.Median(list.Select(s => s.Seconds));
            var memory = Measurement.Median(list.Select(s => (double)s.PeakKilobytes)) / 1024;
            var cpu = Measurement.Median(list.Select(s => s.UserSeconds + s.SystemSeconds));
            var ratio = contender.StartsWith("OciImage", StringComparison.Ordinal) ? string.Empty
                : $"  OciImage/peer {oursMedian / median:0.00}, CPU {oursCpu / cpu:0.00}" + (session is null ? string.Empty : $"; in a session {session.Value.Wall / median:0.00}, CPU {session.Value.Cpu / cpu:0.00}");
            Console.WriteLine($"  {contender,-22} {median,8:0.000} s  {memory,7:0} MB peak  {cpu,7:0.00} s CPU{ratio}");
        }
    }
}
