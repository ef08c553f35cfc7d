using System.IO;
using System.Linq;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Get-OciLayerItem -Merged, Measure-OciImage and Compare-OciImage -Files on the one path tree, as a script
/// sees them: a path 50,000 directories deep leaves the PowerShell process standing (run in a process of its own,
/// since a stack overflow would take the test host with it), and hard links show and compare by the bytes they hold.
/// </summary>
public sealed class PathTreeTests
{
    [Fact]
    public void APath50000DirectoriesDeepLeavesThePowerShellProcessStanding()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        DeepPathLayer.ComposeImages(layout);
        var script = temp.Combine("deep.ps1");
        File.WriteAllText(script,
            $"'merged ' + @(Get-OciLayerItem -Merged -Reference 'oci:{layout}:deep').Count; " +
            $"$m = Measure-OciImage 'oci:{layout}:deep-gone'; 'measure ' + $m.Efficiency + ' ' + $m.FileCount + ' ' + $m.LayerCount; " +
            $"'compare ' + ((Compare-OciImage 'oci:{layout}:deep' 'oci:{layout}:deep-gone' -Files | ForEach-Object {{ $_.Change.ToString() }}) -join ','); " +
            "'still here'");

        var run = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.ModuleHost"), RepoPaths.ModuleFolder, script);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.StdErr}{run.StdOut}");
        var lines = run.StdOut.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("import-ms")).ToList();
        Assert.Equal(new[] { "merged 2", "measure 1 1 2", "compare Removed,Removed,Added", "still here" }, lines);
    }

    [Fact]
    public void HardLinksShowAndCompareByTheBytesTheyHold()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var base0 = TestImages.AddTarLayer(layout, new HostileTar().File("hh1", "one").HardLink("hh2", "hh1")
            .Directory("data/").File("data/h1", 100).HardLink("data/h2", "data/h1").ToArray());
        TestImages.Compose(layout, "a", new[] { base0 });
        TestImages.Compose(layout, "b", new[]
        {
            base0,
            TestImages.AddTarLayer(layout, new HostileTar().File("hh1", "two!").HardLink("hh2", "hh1").File("data/h1", 5).ToArray()),
        });

        using var host = new PowerShellHost();
        var lines = host.RunClean(
            $"Get-OciLayerItem -Merged -Reference 'oci:{layout}:a' | Where-Object Path -like '/data/h*' | ForEach-Object {{ 'a ' + $_.Path + ' ' + $_.Type + ' ' + $_.Size + ' ' + $_.LinkTarget }}; " +
            $"Get-OciLayerItem -Merged -Reference 'oci:{layout}:b' | Where-Object Path -like '/data/h*' | ForEach-Object {{ 'b ' + $_.Path + ' ' + $_.Type + ' ' + $_.Size + ' ' + $_.LinkTarget + ' ' + $_.LayerIndex }}; " +
            $"Compare-OciImage 'oci:{layout}:a' 'oci:{layout}:b' -Files | ForEach-Object {{ 'changed ' + $_.Path + ' ' + $_.Change }}")
            .Select(o => o.ToString()!.TrimEnd()).ToList();

        Assert.Equal(new[]
            {
                // Intact: a hard link with its target.
                "a /data/h1 File 100", "a /data/h2 HardLink 0 data/h1",

                // data/h1 replaced by layer 1: h2 is a file of its own, with h1's old 100 bytes, still from layer 0.
                "b /data/h1 File 5  1", "b /data/h2 File 100  0",

                // hh2 is re-made as a link to the rewritten hh1: its bytes changed too. data/h2 holds what it held.
                "changed /data/h1 Modified", "changed /hh1 Modified", "changed /hh2 Modified",
            },
            lines);
    }
}
