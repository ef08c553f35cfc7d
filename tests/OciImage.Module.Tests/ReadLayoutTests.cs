using System.Linq;
using System.Management.Automation;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>The inspect cmdlets on layouts that umoci and skopeo wrote, checked against what those tools report.</summary>
public sealed class ReadLayoutTests : IClassFixture<LayoutFixture>
{
    private readonly LayoutFixture _fixture;

    public ReadLayoutTests(LayoutFixture fixture) => _fixture = fixture;

    [ToolFact("umoci", "skopeo")]
    public void ManifestDigestAgreesWithSkopeo()
    {
        using var host = new PowerShellHost();
        foreach (var (layout, tag) in new[] { (_fixture.Layout, "amd"), (_fixture.Layout, "arm"), (_fixture.SkopeoLayout, "copied") })
        {
            var manifest = host.RunClean($"Get-OciManifest -Reference 'oci:{layout}:{tag}'").Single();
            Assert.Equal("OciImage.OciManifest", manifest.BaseObject.GetType().FullName);
            Assert.Equal(ReferenceImages.SkopeoDigest(layout, tag), manifest.Properties["Digest"].Value.ToString());
            Assert.Equal(1, (int)manifest.Properties["LayerCount"].Value);
            Assert.Equal($"oci:{layout}:{tag}@{ReferenceImages.SkopeoDigest(layout, tag)}", manifest.Properties["Reference"].Value.ToString());
        }
    }

    [ToolFact("umoci", "skopeo")]
    public void LayersAgreeWithSkopeoAndCarryDiffIdAndHistory()
    {
        using var host = new PowerShellHost();
        var layers = host.RunClean($"Get-OciLayer 'oci:{_fixture.Layout}:amd'");
        Assert.Equal(ReferenceImages.SkopeoLayers(_fixture.Layout, "amd"), layers.Select(l => l.Properties["Digest"].Value.ToString()));
        var layer = layers.Single();
        Assert.Equal(0, (int)layer.Properties["Index"].Value);
        Assert.Equal("gzip", layer.Properties["Compression"].Value);
        Assert.Equal("COPY app /app", layer.Properties["CreatedBy"].Value);
        Assert.StartsWith("sha256:", layer.Properties["DiffId"].Value.ToString());
        Assert.True(System.IO.File.Exists((string)layer.Properties["BlobPath"].Value));

        var diffIds = System.Text.Json.JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--config", $"oci:{_fixture.Layout}:amd"))
            .RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString();
        Assert.Equal(diffIds, layer.Properties["DiffId"].Value.ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void ConfigShowsWhatUmociSet()
    {
        using var host = new PowerShellHost();
        var config = host.RunClean($"Get-OciImageConfig 'oci:{_fixture.Layout}:amd'").Single();
        Assert.Equal(new[] { "/app/run" }, (string[])config.Properties["Entrypoint"].Value);
        Assert.Equal(new[] { "--serve" }, (string[])config.Properties["Command"].Value);
        Assert.Contains("GREETING=hello", (string[])config.Properties["Environment"].Value);
        Assert.Equal("/app", config.Properties["WorkingDirectory"].Value);
        Assert.Equal("linux/amd64", config.Properties["Platform"].Value.ToString());
        Assert.Equal("ops", host.RunClean($"(Get-OciImageConfig 'oci:{_fixture.Layout}:amd').Labels['org.example.team']").Single().ToString());

        var raw = host.RunClean($"Get-OciImageConfig 'oci:{_fixture.Layout}:amd' -Raw").Single().ToString();
        Assert.Equal(ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"oci:{_fixture.Layout}:amd").Trim(), raw.Trim());
    }

    [ToolFact("umoci", "skopeo")]
    public void RawManifestIsTheExactBytes()
    {
        using var host = new PowerShellHost();
        var raw = host.RunClean($"Get-OciManifest 'oci:{_fixture.Layout}:arm' -Raw").Single().ToString();
        Assert.Equal(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{_fixture.Layout}:arm"), raw);
    }

    [ToolFact("umoci", "skopeo")]
    public void IndexComesBackAsOciIndexAndPlatformPicksOne()
    {
        using var host = new PowerShellHost();
        var index = host.RunClean($"Get-OciManifest 'oci:{_fixture.Layout}:multi'").Single();
        Assert.Equal("OciImage.OciIndex", index.BaseObject.GetType().FullName);
        Assert.Equal(_fixture.IndexDigest, index.Properties["Digest"].Value.ToString());
        Assert.Equal(new[] { "linux/amd64", "linux/arm64/v8" }, (string[])index.Properties["Platforms"].Value);

        // linux/arm64 matches an entry that says linux/arm64/v8.
        var arm = host.RunClean($"Get-OciManifest 'oci:{_fixture.Layout}:multi' -Platform linux/arm64").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(_fixture.Layout, "arm"), arm.Properties["Digest"].Value.ToString());
        Assert.Equal("linux/arm64/v8", arm.Properties["Platform"].Value.ToString());

        var config = host.RunClean($"Get-OciImageConfig 'oci:{_fixture.Layout}:multi' -Platform linux/amd64").Single();
        Assert.Equal("linux/amd64", config.Properties["Platform"].Value.ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void ConfigOfAnIndexWithoutPlatformIsAClearError()
    {
        using var host = new PowerShellHost();
        var result = host.Run($"Get-OciImageConfig 'oci:{_fixture.Layout}:multi'");
        var error = Assert.Single(result.Errors);
        Assert.Equal("PlatformNotFound,OciImage.Commands.GetOciImageConfigCommand", error.FullyQualifiedErrorId);
        Assert.Contains("-Platform", error.ToString());
        Assert.Contains("linux/arm64/v8", error.ToString());

        var missing = host.Run($"Get-OciManifest 'oci:{_fixture.Layout}:multi' -Platform windows/amd64");
        Assert.Equal("PlatformNotFound,OciImage.Commands.GetOciManifestCommand", Assert.Single(missing.Errors).FullyQualifiedErrorId);
    }

    [ToolFact("umoci", "skopeo")]
    public void TagsPipeIntoGetOciManifestFromARelativePath()
    {
        using var host = new PowerShellHost(_fixture.Root);
        var tags = host.RunClean("Get-OciTag oci:./umoci");
        Assert.Equal(new[] { "amd", "arm", "multi" }, tags.Select(t => t.Properties["Tag"].Value.ToString()).OrderBy(t => t));

        var manifests = host.RunClean("Get-OciTag oci:./umoci | Where-Object Tag -ne 'multi' | Get-OciManifest");
        Assert.Equal(2, manifests.Count);
        Assert.All(manifests, m => Assert.StartsWith("oci:" + _fixture.Layout, m.Properties["Reference"].Value.ToString()));

        // The tag's digest is known from index.json, and a wildcard filters by name.
        var amd = host.RunClean("Get-OciTag oci:./umoci -Name 'am*'").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(_fixture.Layout, "amd"), amd.Properties["Digest"].Value.ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void DigestOfReferenceAndByDigestLookup()
    {
        using var host = new PowerShellHost();
        var expected = ReferenceImages.SkopeoDigest(_fixture.Layout, "amd");
        var descriptor = host.RunClean($"Get-OciDigest 'oci:{_fixture.Layout}:amd'").Single();
        Assert.Equal(expected, descriptor.Properties["Digest"].Value.ToString());

        // A digest compares equal to its string form, and a reference by digest finds the same image.
        Assert.True((bool)host.RunClean($"(Get-OciDigest 'oci:{_fixture.Layout}:amd').Digest -eq '{expected}'").Single().BaseObject);
        var byDigest = host.RunClean($"Get-OciManifest 'oci:{_fixture.Layout}@{expected}'").Single();
        Assert.Equal(expected, byDigest.Properties["Digest"].Value.ToString());

        // A platform child of the index is not in index.json but is found by digest.
        var armDigest = ReferenceImages.SkopeoDigest(_fixture.Layout, "arm");
        Assert.Equal(armDigest, host.RunClean($"(Get-OciManifest 'oci:{_fixture.Layout}@{armDigest}').Digest.ToString()").Single().ToString());
    }
}
