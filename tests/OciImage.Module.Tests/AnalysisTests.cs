using System.IO;
using System.Linq;
using System.Management.Automation;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Measure-OciImage, Compare-OciImage, Test-OciImage's efficiency rules and Get-OciLayerItem -Merged as a script
/// uses them: figures, CI gating with ImageInefficient, objects that Group-Object and Where-Object take, and bad
/// input as ErrorRecords with no figures.
/// </summary>
public sealed class AnalysisTests
{
    /// <summary>Layer 0: a/, a/big (1000), a/keep (10); layer 1: a/, a whiteout of a/big, a/new (90).</summary>
    private static string Wasteful(TempDirectory temp, string tag = "waste")
    {
        var layout = temp.Combine("layout");
        TestImages.Compose(layout, tag, new[]
        {
            TestImages.AddTarLayer(layout, new HostileTar().Directory("a/").File("a/big", 1000).File("a/keep", 10).ToArray()),
            TestImages.AddTarLayer(layout, new HostileTar().Directory("a/").Whiteout("a/big").File("a/new", 90).ToArray()),
        });
        return $"oci:{layout}:{tag}";
    }

    [Fact]
    public void MeasureGivesDivesFiguresAndTheMergedFileSystemGroupsByLayer()
    {
        using var temp = new TempDirectory();
        var image = Wasteful(temp);
        using var host = new PowerShellHost();
        var lines = host.RunClean(
            $"$m = Measure-OciImage '{image}'; '{{0}} {{1}} {{2}} {{3}} {{4}} {{5}}' -f $m.Efficiency.ToString([cultureinfo]::InvariantCulture), $m.WastedBytes, $m.UserSize, $m.UncompressedSize, $m.FileCount, $m.LayerCount; " +
            "$m.Inefficiencies | ForEach-Object { 'waste ' + $_.Path + ' ' + $_.CumulativeSize + ' ' + ($_.Layers -join ',') }; " +
            "$m.Layers | ForEach-Object { 'layer {0} +{1} ~{2} -{3} {4}' -f $_.Index, $_.FilesAdded, $_.FilesChanged, $_.FilesRemoved, $_.BytesRemoved }; " +
            // (The hosted engine has no Microsoft.PowerShell.Utility; tests/Pester runs Group-Object on these in pwsh.)
            $"$sums = [ordered]@{{}}; Get-OciLayerItem '{image}' -Merged | Where-Object Type -eq File | ForEach-Object {{ $sums[[string]$_.LayerIndex] += $_.Size }}; $sums.Keys | ForEach-Object {{ 'group ' + $_ + ' ' + $sums[$_] }}; " +
            "'items ' + ($m.Layers[1] | Get-OciLayerItem).Count")
            .Select(o => o.ToString()).ToList();

        Assert.Equal(new[]
            {
                $"{(100.0 / 1100).ToString(System.Globalization.CultureInfo.InvariantCulture)} 1000 90 1100 2 2",
                "waste /a/big 1000 0,1",
                "layer 0 +2 ~0 -0 0",
                "layer 1 +1 ~0 -1 1000",
                "group 0 10",
                "group 1 90",
                "items 3",
            },
            lines);
    }

    [Fact]
    public void TestOciImageFailsTheBuildOnTheRulesThatFail()
    {
        using var temp = new TempDirectory();
        var image = Wasteful(temp);
        using var host = new PowerShellHost();

        var failed = host.Run($"Test-OciImage '{image}' -MinimumEfficiency 0.95 -MaximumWastedBytes 20MB -MaximumWastedPercent 0.5");
        Assert.Empty(failed.Output);
        var error = Assert.Single(failed.Errors);
        Assert.Equal("ImageInefficient,OciImage.Commands.TestOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.LimitsExceeded, error.CategoryInfo.Category);
        Assert.Contains("lowestEfficiency", error.ToString());
        Assert.Contains("highestUserWastedPercent", error.ToString());
        Assert.Contains("above the maximum 50 % (-MaximumWastedPercent 0.5;", error.ToString()); // the view's percent and dive's fraction, both
        Assert.DoesNotContain("highestWastedBytes", error.ToString());
        Assert.Equal("OciImageMeasurement", error.TargetObject.GetType().Name);

        var stopped = host.RunClean($"try {{ Test-OciImage '{image}' -MaximumWastedBytes 999 -ErrorAction Stop; 'went on' }} catch {{ 'stopped ' + $_.FullyQualifiedErrorId }}");
        Assert.Equal("stopped ImageInefficient,OciImage.Commands.TestOciImageCommand", Assert.Single(stopped).ToString());

        Assert.Equal(false, Assert.Single(host.RunClean($"Test-OciImage '{image}' -MaximumWastedPercent 0.5 -Quiet")).BaseObject);
        Assert.Equal(true, Assert.Single(host.RunClean($"Test-OciImage '{image}' -MinimumEfficiency 0.09 -MaximumWastedBytes 1000 -MaximumWastedPercent 11.2 -Quiet")).BaseObject);
        Assert.Equal("OciImageMeasurement", Assert.Single(host.RunClean($"Test-OciImage '{image}' -MaximumWastedBytes 1000")).BaseObject.GetType().Name);
    }

    [Fact]
    public void CompareFilesGivesObjectsThatGroupSortAndFilter()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var base0 = TestImages.AddTarLayer(layout, new HostileTar().Directory("etc/").File("etc/conf", "a=1").File("etc/old", 3).File("bin/tool", 10, 'a').ToArray());
        TestImages.Compose(layout, "1.4", new[] { base0 });
        TestImages.Compose(layout, "1.5", new[]
        {
            base0,
            TestImages.AddTarLayer(layout, new HostileTar().Directory("etc/").Whiteout("etc/old").File("etc/new", 4).File("bin/tool", 10, 'b').File("etc/conf", "a=1").ToArray()),
        });
        using var host = new PowerShellHost();
        var lines = host.RunClean(
            $"$d = Compare-OciImage 'oci:{layout}:1.4' 'oci:{layout}:1.5' -Files; " +
            "$counts = @{}; $d | ForEach-Object { $counts[$_.Change] += 1 }; foreach ($k in [string[]]$counts.Keys) { 'count ' + $k + ' ' + $counts[$k] }; " +
            "$d[-1].Path; " +
            "$d | Where-Object Change -eq Modified | ForEach-Object { 'modified ' + $_.Path + ' ' + $_.ReferenceLayer + '>' + $_.DifferenceLayer }; " +
            $"(Compare-OciImage 'oci:{layout}:1.4' 'oci:{layout}:1.5' -Path '/etc/*' | ForEach-Object Path) -join ','; " +
            $"Compare-OciImage 'oci:{layout}:1.4' 'oci:{layout}:1.5' | ForEach-Object {{ $_.Change + ' ' + $_.MatchedBy + ' ' + $_.DifferenceIndex }}")
            .Select(o => o.ToString()!).ToList();
        var counts = lines.Where(l => l.StartsWith("count ")).OrderBy(l => l, System.StringComparer.Ordinal).ToList();
        lines = counts.Concat(lines.Where(l => !l.StartsWith("count "))).ToList();

        Assert.Equal(new[]
            {
                "count Added 1", "count Modified 1", "count Removed 1", "/etc/old", "modified /bin/tool 0>1", "/etc/new,/etc/old", "Shared Digest 0", "Added  1",
            },
            lines);
    }

    [Fact]
    public void BadInputIsAClearErrorAndNeverPartialFigures()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var good = new HostileTar().File("f", 4096, 'z').ToArray();
        TestImages.Compose(layout, "nottar", new[] { TestImages.AddTarLayer(layout, Enumerable.Range(0, 3000).Select(i => (byte)(i * 7 + 3)).ToArray()) });
        TestImages.Compose(layout, "xz", new[] { TestImages.AddTarLayer(layout, new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0, 0, 1, 2, 3, 4 }) });
        var corrupt = TestImages.AddTarLayer(layout, good);
        TestImages.Compose(layout, "corrupt", new[] { TestImages.AddTarLayer(layout, new HostileTar().File("ok", 10).ToArray()), corrupt });
        var blob = Path.Combine(layout, "blobs", "sha256", corrupt.Digest.Substring(7));
        var bytes = File.ReadAllBytes(blob);
        bytes[1000] ^= 0xFF; // inside the file's content: the tar still reads, the digest does not match
        File.WriteAllBytes(blob, bytes);
        TestImages.Compose(layout, "amd", new[] { TestImages.AddTarLayer(layout, new HostileTar().File("amd", 1).ToArray()) }, "amd64");
        TestImages.Compose(layout, "arm", new[] { TestImages.AddTarLayer(layout, new HostileTar().File("arm", 1).ToArray()) }, "arm64");
        ReferenceImages.AddIndex(layout, "multi", ("amd", "linux", "amd64", null), ("arm", "linux", "arm64", null));

        using var host = new PowerShellHost();
        var note = temp.Combine("note.txt");
        File.WriteAllText(note, "a note");
        host.RunClean($"$null = New-OciImage -Layout '{layout}' -Tag note -ArtifactType application/vnd.example.note -File '{note}'");
        var cases = new (string Tag, string Extra, string ErrorId)[]
        {
            ("nottar", "", "InvalidLayer"),
            ("xz", "", "UnsupportedMediaType"),
            ("corrupt", "", "DigestMismatch"),
            ("multi", "", "PlatformNotFound"),
            ("note", "", "NotAnImage"),
        };
        foreach (var (tag, extra, errorId) in cases)
        {
            foreach (var command in new[] { "Measure-OciImage", "Get-OciLayerItem -Merged -Reference", "Test-OciImage -MinimumEfficiency 0 -Reference" })
            {
                var result = host.Run($"{command} 'oci:{layout}:{tag}' {extra}");
                Assert.Empty(result.Output);
                var error = Assert.Single(result.Errors);
                Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
                Assert.DoesNotContain("   at ", error.ToString());
            }
        }

        var files = host.Run($"Compare-OciImage 'oci:{layout}:amd' 'oci:{layout}:corrupt' -Files");
        Assert.Empty(files.Output);
        Assert.StartsWith("DigestMismatch,", Assert.Single(files.Errors).FullyQualifiedErrorId);

        Assert.Equal("linux/arm64", Assert.Single(host.RunClean($"(Measure-OciImage 'oci:{layout}:multi' -Platform linux/arm64).Platform")).ToString());
    }
}
