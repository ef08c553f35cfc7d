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
        var result = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.Benchmarks"), "--quick");
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        foreach (var scenario in new[] { "layer-build", "copy", "pull", "push", "recopy", "tags", "huge-pull", "huge-copy", "expand", "import" })
        {
            Assert.Contains(scenario + ":", result.StdOut);
        }

        Assert.Contains("OciImage/peer", result.StdOut);
        Assert.DoesNotContain("failed", result.StdOut);
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
