using System.Linq;
using System.IO;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The benchmark harness is not part of pass/fail, but it must keep working: every scenario runs once on tiny
/// data, for OciImage (engine and cmdlets) and every peer.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    [ToolFact("docker-registry", "skopeo", "umoci", "pigz", "tar", "gzip")]
    public void EveryScenarioRunsOnTinyData()
    {
        Assert.True(File.Exists("/usr/bin/time"), "GNU time is needed (.ci/run installs it)");
        using var temp = new TempDirectory();
        var results = temp.Combine("results.json");
        var result = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.Benchmarks"), "--quick", "--results", results);
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);

        // The run's figures are in its results file: medians with CPU times, the machine, the commit.
        using (var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(results)))
        {
            var root = document.RootElement;
            Assert.Matches("^[0-9a-f]{40}$", root.GetProperty("commit").GetString());
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
            var contenders = root.GetProperty("scenarios").EnumerateArray().SelectMany(s => s.GetProperty("contenders").EnumerateArray()).ToList();
            Assert.NotEmpty(contenders);
            Assert.All(contenders, c => Assert.True(c.GetProperty("wallSeconds").GetDouble() >= 0 && c.GetProperty("userSeconds").GetDouble() >= 0 && c.GetProperty("systemSeconds").GetDouble() >= 0));
            Assert.All(contenders.Where(c => c.GetProperty("contender").GetString()!.StartsWith("OciImage", System.StringComparison.Ordinal) && !c.GetProperty("contender").GetString()!.EndsWith("in session", System.StringComparison.Ordinal)),
                c => Assert.True(c.GetProperty("userSeconds").GetDouble() + c.GetProperty("systemSeconds").GetDouble() > 0)); // a .NET process never starts in no CPU time

            // Copy, pull and push also run in a session (the last of several runs in one process, which reports its
            // own wall time), and their peers carry the CPU ratios too.
            foreach (var name in new[] { "copy", "pull", "push" })
            {
                var scenario = root.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("scenario").GetString() == name);
                var inSession = scenario.GetProperty("contenders").EnumerateArray().Single(c => c.GetProperty("contender").GetString() == "OciImage engine, in session");
                Assert.True(inSession.GetProperty("wallSeconds").GetDouble() > 0, name);
                var skopeo = scenario.GetProperty("contenders").EnumerateArray().Single(c => c.GetProperty("contender").GetString() == "skopeo copy");
                Assert.True(skopeo.TryGetProperty("inSessionOverThis", out _), name);
                Assert.True(skopeo.TryGetProperty("oursCpuOverThis", out _), name);
                Assert.True(skopeo.TryGetProperty("inSessionCpuOverThis", out _), name);
            }
        }

        // The mirror scenarios (issue 29 item 11) count requests through proxies, for ours and skopeo sync's, and
        // check the issue's goals: an up-to-date tag costs our engine a HEAD at each end, skopeo sync more.
        using (var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(results)))
        {
            var scenarios = document.RootElement.GetProperty("scenarios").EnumerateArray().ToList();
            System.Text.Json.JsonElement Requests(string scenario, string contender) => scenarios.Single(s => s.GetProperty("scenario").GetString() == scenario)
                .GetProperty("contenders").EnumerateArray().Single(c => c.GetProperty("contender").GetString() == contender).GetProperty("requests");
            foreach (var name in new[] { "mirror-fresh", "mirror-uptodate", "mirror-moved" })
            {
                Assert.True(Requests(name, "OciImage engine").GetProperty("total").GetInt32() > 0, name);
                Assert.True(Requests(name, "skopeo sync").GetProperty("total").GetInt32() > 0, name);
            }

            var upToDate = Requests("mirror-uptodate", "OciImage engine");
            Assert.Equal(20, upToDate.GetProperty("destinationKinds").GetProperty("HEAD manifests").GetInt32());
            Assert.Equal(20, upToDate.GetProperty("sourceKinds").GetProperty("HEAD manifests").GetInt32());
            Assert.False(upToDate.GetProperty("sourceKinds").TryGetProperty("GET manifests", out _), "an up-to-date tag costs no manifest GET at the source");
            Assert.True(Requests("mirror-uptodate", "skopeo sync").GetProperty("perUnchangedTag").GetDouble() > 0);
            var goals = scenarios.Single(s => s.GetProperty("scenario").GetString() == "mirror-uptodate").GetProperty("goals").EnumerateArray().ToList();
            Assert.Contains(goals, g => g.GetProperty("goal").GetString() == "requests per unchanged tag" && g.GetProperty("contender").GetString() == "OciImage engine");
            Assert.Contains(goals, g => g.GetProperty("goal").GetString() == "wall / skopeo sync" && g.GetProperty("contender").GetString() == "OciImage engine");
        }

        foreach (var scenario in new[] { "layer-build", "copy", "pull", "push", "recopy", "tags", "huge-pull", "huge-copy", "expand", "analyse", "analyse-layout", "analyse-zstd", "import", "mirror-fresh", "mirror-uptodate", "mirror-moved", "inventory" })
        {
            Assert.Contains(scenario + ":", result.StdOut);
        }

        // Import-Module is timed under the host as built (an IL-only PowerShell) and, where a ReadyToRun-published
        // copy of it exists (quick runs do not spend minutes publishing one), under that too, with the 200 ms goal.
        using (var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(results)))
        {
            var import = document.RootElement.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("scenario").GetString() == "import");
            var rows = import.GetProperty("contenders").EnumerateArray().Select(c => c.GetProperty("contender").GetString()).ToList();
            Assert.Contains("OciImage cold, first import (IL-only PowerShell)", rows);
            Assert.Contains("OciImage after another module (IL-only PowerShell)", rows);
            if (result.StdOut.Contains("the ReadyToRun PowerShell rows are skipped: quick mode", System.StringComparison.Ordinal))
            {
                Assert.Equal(2, rows.Count);
            }
            else
            {
                Assert.Contains("OciImage cold, first import (ReadyToRun PowerShell)", rows);
                Assert.Contains(import.GetProperty("goals").EnumerateArray(), g => g.GetProperty("contender").GetString() == "OciImage cold, first import (ReadyToRun PowerShell)" && g.GetProperty("limit").GetDouble() == 0.2);
            }
        }

        Assert.Contains("OciImage/peer", result.StdOut);
        Assert.DoesNotContain("failed", result.StdOut);

        // The README's table is printed from that file: a row per contender, the pull row with a ratio to skopeo.
        var table = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.Benchmarks"), "--table", results);
        Assert.True(table.ExitCode == 0, table.StdOut + table.StdErr);
        Assert.Contains("| scenario | contender | wall | CPU (user + sys) | peak memory | engine / this: wall | CPU | in session / this: wall | CPU |", table.StdOut);
        Assert.Matches(@"\| pull \| OciImage engine \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ MB \|  \|  \|  \|  \|", table.StdOut);
        Assert.Matches(@"\| import \| OciImage cold, first import \(IL-only PowerShell\) \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ MB \|", table.StdOut);
        Assert.Matches(@"\|  \| skopeo copy \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ MB \| (\*\*[0-9.]+\*\*)? \| ([0-9.]+)? \|", table.StdOut);
    }

    /// <summary>
    /// Issue 33 item 5: --curves measures every group (layer build by size and cores, analysis by entries, mirror
    /// by tags, copy by layer size, inventory by tags) on tiny data into the results file, point by point with
    /// every contender's medians and each peer's ratio; --charts draws each as well-formed SVG with one line per
    /// contender through its points; --table prints the curve tables.
    /// </summary>
    [ToolFact("docker-registry", "skopeo", "umoci", "tar", "gzip", "taskset")]
    public void CurvesRunOnTinyDataAndDrawCharts()
    {
        using var temp = new TempDirectory();
        var results = temp.Combine("curves.json");
        var program = RepoPaths.BuiltProgram("OciImage.Benchmarks");
        var run = ExternalTool.TryRun("dotnet", program, "--curves", "--quick", "--results", results);
        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(results));
        var curves = document.RootElement.GetProperty("curves").EnumerateArray().ToList();
        Assert.Equal(new[] { "layer-build", "analysis", "mirror", "copy", "inventory" }, curves.Select(c => c.GetProperty("curve").GetString()));
        foreach (var curve in curves)
        {
            var name = curve.GetProperty("curve").GetString()!;
            var points = curve.GetProperty("points").EnumerateArray().ToList();
            Assert.True(points.Count >= 2, name);
            Assert.True(points.Select(p => p.GetProperty("x").GetDouble()).SequenceEqual(points.Select(p => p.GetProperty("x").GetDouble()).OrderBy(x => x)), name + ": the work grows along the curve");
            var contenders = points.SelectMany(p => p.GetProperty("contenders").EnumerateArray()).ToList();
            Assert.All(contenders, c => Assert.True(c.GetProperty("runs").GetInt32() == 1 && c.GetProperty("wallSeconds").GetDouble() >= 0 && c.GetProperty("peakMegabytes").GetDouble() > 0, name + " " + c));
            // A peer's ratio on every curve: of memory always; of time unless the peer took 0 s to the timer's 10 ms on
            // tiny data (the ratio is then n/a, as the table prints it: gzip -dc of a 100-entry layer).
            Assert.Contains(contenders, c => c.GetProperty("oursMemoryOverThis").ValueKind == System.Text.Json.JsonValueKind.Number
                && (c.GetProperty("oursOverThis").ValueKind == System.Text.Json.JsonValueKind.Number || c.GetProperty("wallSeconds").GetDouble() == 0));
        }

        // Layer build: 4 tree sizes, each with OciImage and umoci on 1 and 2 cores, OciImage with chunk parallelism 1, and tar | gzip -6.
        var layer = curves[0].GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(4, layer.Count);
        Assert.All(layer, p => Assert.Equal(6, p.GetProperty("contenders").GetArrayLength()));

        var charts = temp.Combine("charts");
        var drawn = ExternalTool.TryRun("dotnet", program, "--charts", results, charts);
        Assert.True(drawn.ExitCode == 0, drawn.StdOut + drawn.StdErr);
        System.Xml.Linq.XNamespace svg = "http://www.w3.org/2000/svg";
        foreach (var curve in curves)
        {
            var name = curve.GetProperty("curve").GetString()!;
            var points = curve.GetProperty("points").EnumerateArray().SelectMany(p => p.GetProperty("contenders").EnumerateArray()).GroupBy(c => c.GetProperty("contender").GetString()).ToList();
            var kinds = curve.GetProperty("chartMemory").GetBoolean() ? new[] { "time", "memory" } : new[] { "time" };
            foreach (var kind in kinds)
            {
                var chart = System.Xml.Linq.XDocument.Load(Path.Combine(charts, $"{name}-{kind}.svg")); // throws unless well-formed
                var lines = chart.Descendants(svg + "polyline").ToList();
                Assert.Equal(points.Select(g => g.Key), lines.Select(l => (string?)l.Attribute("data-contender")));
                Assert.All(lines.Zip(points), pair => Assert.Equal(pair.Second.Count(), pair.First.Attribute("points")!.Value.Split(' ', System.StringSplitOptions.RemoveEmptyEntries).Length));
                Assert.Contains(chart.Descendants(svg + "text"), t => System.Text.RegularExpressions.Regex.IsMatch(t.Value, @"^[0-9]+\.[0-9]{2}×$")); // a peer's ratio at its point
            }
        }

        var table = ExternalTool.TryRun("dotnet", program, "--table", results);
        Assert.True(table.ExitCode == 0, table.StdOut + table.StdErr);
        Assert.Contains("| work | contender | wall | CPU (user + sys) | peak memory | OciImage / this: wall | CPU | memory |", table.StdOut);
        Assert.Matches(@"\|  \| skopeo inspect loop \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ MB \| (\*\*[0-9.]+×\*\*)? \|", table.StdOut);
    }

    [ToolFact("gzip")]
    public void ThroughputRunsOnATinyTree()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var result = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.Benchmarks"), "--throughput", tree, "--runs", "1");
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        Assert.Contains("MB/s/core", result.StdOut);
        Assert.Contains("portable  Optimal", result.StdOut);
        Assert.Contains("runtime   Optimal", result.StdOut);
    }
}
