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

        foreach (var scenario in new[] { "layer-build", "copy", "pull", "push", "recopy", "tags", "huge-pull", "huge-copy", "expand", "analyse", "analyse-layout", "analyse-zstd", "import", "mirror-fresh", "mirror-uptodate", "mirror-moved" })
        {
            Assert.Contains(scenario + ":", result.StdOut);
        }

        Assert.Contains("OciImage/peer", result.StdOut);
        Assert.DoesNotContain("failed", result.StdOut);

        // The README's table is printed from that file: a row per contender, the pull row with a ratio to skopeo.
        var table = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.Benchmarks"), "--table", results);
        Assert.True(table.ExitCode == 0, table.StdOut + table.StdErr);
        Assert.Contains("| scenario | contender | wall | CPU (user + sys) | peak memory | engine / this: wall | CPU | in session / this: wall | CPU |", table.StdOut);
        Assert.Matches(@"\| pull \| OciImage engine \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ MB \|  \|  \|  \|  \|", table.StdOut);
        Assert.Matches(@"\|  \| skopeo copy \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ MB \| (\*\*[0-9.]+\*\*)? \| ([0-9.]+)? \|", table.StdOut);
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
