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

        foreach (var scenario in new[] { "layer-build", "copy", "pull", "push", "recopy", "tags", "huge-pull", "huge-copy", "expand", "analyse", "analyse-layout", "analyse-zstd", "import" })
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
