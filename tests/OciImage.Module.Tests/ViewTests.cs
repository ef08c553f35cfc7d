using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>The default views as a 120-column terminal shows them: short digests, human sizes, no overflow.</summary>
public sealed class ViewTests : IClassFixture<LayoutFixture>
{
    private readonly LayoutFixture _fixture;

    public ViewTests(LayoutFixture fixture) => _fixture = fixture;

    [ToolFact("umoci", "skopeo")]
    public void TablesFitAndShortenDigests()
    {
        var host = new CapturingHost();
        using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"$PSStyle.OutputRendering = 'PlainText'; Import-Module '{RepoPaths.ModuleFolder}'; " +
            $"Get-OciManifest oci:{_fixture.Layout}:amd | Out-Host; Get-OciManifest oci:{_fixture.Layout}:multi | Out-Host; " +
            $"Get-OciTag oci:{_fixture.Layout} | Out-Host; Get-OciLayer oci:{_fixture.Layout}:amd | Out-Host; " +
            $"Get-OciImageConfig oci:{_fixture.Layout}:amd | Out-Host; Get-OciLayerItem oci:{_fixture.Layout}:amd | Out-Host; " +
            $"Copy-OciImage oci:{_fixture.Layout}:amd oci:{_fixture.Root}/view-copy:amd | Out-Host; Test-OciImage oci:{_fixture.Layout}:amd | Out-Host; " +
            $"Get-OciDigest oci:{_fixture.Layout}:amd | Out-Host; $m = Measure-OciImage oci:{_fixture.Layout}:amd; $m | Out-Host; $m.Layers | Out-Host; " +
            $"$r = Measure-OciRepository oci:{_fixture.Layout} -Remove amd; $r | Out-Host; $r.Tags | Out-Host; " +
            $"Compare-OciImage oci:{_fixture.Layout}:amd oci:{_fixture.Layout}:arm | Out-Host; Compare-OciImage oci:{_fixture.Layout}:amd oci:{_fixture.Layout}:arm -Files | Out-Host");
        ps.Invoke();
        Assert.True(ps.Streams.Error.Count == 0, string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));

        // Header colours are ANSI sequences that take no columns on a terminal.
        var text = System.Text.RegularExpressions.Regex.Replace(host.Text, "\u001b\\[[0-9;]*m", string.Empty);
        var lines = text.Split('\n');
        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= 120, $"too wide ({line.Length}): {line}"));
        foreach (var header in new[] { "Layers", "Platforms", "Tag", "Compression", "Entrypoint", "Permissions", "Copied", "IsValid", "Type", "Efficiency", "WastedPercent", "Removed", "MatchedBy", "UniqueBytes", "FreedBytes" })
        {
            Assert.Contains(lines, l => l.Contains(header));
        }

        var digest = ReferenceImages.SkopeoDigest(_fixture.Layout, "amd");
        var shortForm = digest.Substring(0, "sha256:".Length + 12);
        Assert.Contains(lines, l => l.Contains(shortForm) && !l.Contains(digest));
        Assert.Contains(lines, l => l.Contains(" B") || l.Contains(" KB"));
        Assert.Contains(lines, l => l.Contains("/app/hello.txt"));
        Assert.Contains(lines, l => l.Contains("100.00 %"));
        Assert.Contains(lines, l => l.StartsWith("Modified") && l.Contains("/app/hello.txt"));
    }
}
