using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Edit-OciImage and Copy-OciImage -Compression (issue 31 items 2-4): skopeo and umoci referee the results.</summary>
public sealed class EditImageTests
{
    /// <summary>An image of two layers in <paramref name="layout"/>: a tree with /app/secret.txt, then the same secret again with history 'add secret'.</summary>
    private static void TwoLayers(PowerShellHost host, TempDirectory temp, string layout, string tag = "app", string stamp = "2001-02-03")
    {
        var one = temp.Combine(tag, "one");
        Directory.CreateDirectory(Path.Combine(one, "app"));
        File.WriteAllText(Path.Combine(one, "app", "secret.txt"), "password=1\n");
        File.WriteAllText(Path.Combine(one, "app", "keep.txt"), "kept\n");
        var two = temp.Combine(tag, "two");
        Directory.CreateDirectory(Path.Combine(two, "app"));
        File.WriteAllText(Path.Combine(two, "app", "secret.txt"), "password=2\n");
        File.WriteAllText(Path.Combine(two, "app", "more.txt"), "more\n");
        host.RunClean($"New-OciLayer '{one}' -Layout '{layout}' -Timestamp '{stamp}' | New-OciImage -Layout '{layout}' -Tag {tag} -Created '{stamp}' -History 'base'");
        host.RunClean($"New-OciLayer '{two}' -Layout '{layout}' -Timestamp '{stamp}' | Add-OciLayer oci:{layout}:{tag} -Created '{stamp}'");
        host.RunClean($"Set-OciImageConfig oci:{layout}:{tag} -Created '{stamp}' -Environment @{{ X = '1' }}");
    }

    private static JsonElement Config(string layout, string tag) =>
        JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"oci:{layout}:{tag}")).RootElement;

    private static string[] DiffIds(string layout, string tag) =>
        Config(layout, tag).GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(d => d.GetString()!).ToArray();

    [ToolFact("umoci", "skopeo")]
    public void RecompressingToZstdKeepsDiffIdsAndTheTreeAndIsTheSameEveryTime()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = temp.Combine("oci");
        TwoLayers(host, temp, layout);
        var result = host.Run($"Copy-OciImage oci:{layout}:app oci:{temp.Combine("zst")}:app -Compression zstd -CompressionLevel 5");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains("digest differs", StringComparison.Ordinal) && w.Contains("DiffIDs are kept", StringComparison.Ordinal));

        var manifest = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{temp.Combine("zst")}:app")).RootElement;
        Assert.All(manifest.GetProperty("layers").EnumerateArray(), l => Assert.Equal("application/vnd.oci.image.layer.v1.tar+zstd", l.GetProperty("mediaType").GetString()));
        Assert.Equal(DiffIds(layout, "app"), DiffIds(temp.Combine("zst"), "app"));
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{temp.Combine("zst")}:app", $"oci:{temp.Combine("skopeo")}:app", "--dest-compress-format", "gzip");
        Assert.Equal(DiffIds(layout, "app"), DiffIds(temp.Combine("skopeo"), "app")); // skopeo decompressed every zstd layer to the same tar
        host.RunClean($"Expand-OciImage oci:{layout}:app '{temp.Combine("before")}'");
        host.RunClean($"Expand-OciImage oci:{temp.Combine("zst")}:app '{temp.Combine("after")}'");
        Assert.Equal(TreeListing.Of(temp.Combine("before")), TreeListing.Of(temp.Combine("after")));

        // The portable encoders in fixed chunks: the same input gives the same bytes; and back to gzip, the DiffIDs still hold.
        var again = host.RunClean($"Copy-OciImage oci:{layout}:app oci:{temp.Combine("zst2")}:app -Compression zstd -CompressionLevel 5").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(temp.Combine("zst"), "app"), again.Properties["Digest"].Value.ToString());
        host.RunClean($"Copy-OciImage oci:{temp.Combine("zst")}:app oci:{temp.Combine("gz")}:app -Compression gzip");
        Assert.Equal(DiffIds(layout, "app"), DiffIds(temp.Combine("gz"), "app"));
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{temp.Combine("gz")}:app", temp.Combine("bundle"));
        Assert.Equal("kept\n", File.ReadAllText(temp.Combine("bundle", "rootfs", "app", "keep.txt")));

        // A level the encoder lacks, for a compression that has none: a stable ErrorId, nothing written.
        var refused = Assert.Single(host.Run($"Copy-OciImage oci:{layout}:app oci:{temp.Combine("none")}:app -Compression none -CompressionLevel 9").Errors);
        Assert.Equal("UnknownCompressionLevel", refused.FullyQualifiedErrorId.Split(',')[0]);
    }

    [ToolFact("umoci", "skopeo")]
    public void AStrippedPathIsGoneFromEveryLayerAndTheExpandedTree()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = temp.Combine("oci");
        TwoLayers(host, temp, layout);
        var before = DiffIds(layout, "app");
        var result = host.Run($"Edit-OciImage oci:{layout}:app -Tag clean -RemovePath /app/secret.txt, /no/such/*");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains("'/no/such/*' matched nothing", StringComparison.Ordinal));
        var edit = Assert.Single(result.Output)!;
        Assert.Equal(new[] { "/app/secret.txt" }, (string[])edit.Properties["PathsRemoved"].Value);
        Assert.Equal(2, (int)edit.Properties["LayersRewritten"].Value);

        var items = host.RunClean($"Get-OciLayerItem oci:{layout}:clean").Select(i => i.Properties["Path"].Value.ToString()).ToList();
        Assert.Contains("/app/keep.txt", items);
        Assert.Contains("/app/more.txt", items);
        Assert.DoesNotContain(items, p => p!.Contains("secret", StringComparison.Ordinal));
        host.RunClean($"Expand-OciImage oci:{layout}:clean '{temp.Combine("tree")}'");
        Assert.False(File.Exists(temp.Combine("tree", "app", "secret.txt")));
        Assert.True(File.Exists(temp.Combine("tree", "app", "keep.txt")));

        // The tools read it; the DiffIDs in the config are the new tars'; the old image is still there.
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:clean", temp.Combine("bundle"));
        Assert.False(File.Exists(temp.Combine("bundle", "rootfs", "app", "secret.txt")));
        Assert.NotEqual(before, DiffIds(layout, "clean"));
        Assert.Equal(before, DiffIds(layout, "app"));
        Assert.Equal(2, Config(layout, "clean").GetProperty("history").EnumerateArray().Count(h => !h.TryGetProperty("empty_layer", out _)));
    }

    [ToolFact("umoci", "skopeo")]
    public void ARetimeMakesTwoBuildsOfOneTreeTheSameImage()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = temp.Combine("oci");
        TwoLayers(host, temp, layout, "monday", "2020-01-06");
        TwoLayers(host, temp, layout, "friday", "2020-01-10");
        Assert.NotEqual(ReferenceImages.SkopeoDigest(layout, "monday"), ReferenceImages.SkopeoDigest(layout, "friday"));

        var monday = host.RunClean($"Edit-OciImage oci:{layout}:monday -Tag monday-r -Timestamp '2000-01-01T00:00:00Z'").Single();
        var friday = host.Run($"$env:SOURCE_DATE_EPOCH = '946684800'; Edit-OciImage oci:{layout}:friday -Tag friday-r -SourceDateEpoch; $env:SOURCE_DATE_EPOCH = $null");
        Assert.Empty(friday.Errors);
        Assert.Equal(monday.Properties["Digest"].Value.ToString(), friday.Output.Single()!.Properties["Digest"].Value.ToString());
        Assert.Contains((string[])monday.Properties["Changes"].Value, c => c.Contains("history entries set to 2000-01-01T00:00:00Z", StringComparison.Ordinal));
        Assert.True((int)monday.Properties["EntriesRetimed"].Value > 0);

        var config = Config(layout, "monday-r");
        Assert.Equal("2000-01-01T00:00:00Z", config.GetProperty("created").GetString());
        Assert.All(config.GetProperty("history").EnumerateArray(), h => Assert.Equal("2000-01-01T00:00:00Z", h.GetProperty("created").GetString()));
        Assert.All(host.RunClean($"Get-OciLayerItem oci:{layout}:monday-r"), i => Assert.Equal(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), ((DateTime)i.Properties["Modified"].Value).ToUniversalTime()));
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:monday-r", temp.Combine("bundle"));

        var unset = Assert.Single(host.Run($"$env:SOURCE_DATE_EPOCH = $null; Edit-OciImage oci:{layout}:friday -Tag x -SourceDateEpoch").Errors);
        Assert.Equal("InvalidTimestamp", unset.FullyQualifiedErrorId.Split(',')[0]);
    }

    [ToolFact("umoci", "skopeo")]
    public void LayersGoByPositionOrHistoryLineAndTheHistoryFollows()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = temp.Combine("oci");
        TwoLayers(host, temp, layout);
        var original = DiffIds(layout, "app");
        var edit = host.RunClean($"Edit-OciImage oci:{layout}:app -Tag no-secret -RemoveLayerCreatedBy 'New-OciLayer two*'").Single();
        Assert.Equal(1, (int)edit.Properties["LayersRemoved"].Value);
        Assert.Equal(new[] { original[0] }, DiffIds(layout, "no-secret"));
        var history = Config(layout, "no-secret").GetProperty("history").EnumerateArray().ToList();
        Assert.DoesNotContain(history, h => h.TryGetProperty("created_by", out var c) && c.GetString()!.StartsWith("New-OciLayer two", StringComparison.Ordinal));
        Assert.Contains(history, h => h.TryGetProperty("empty_layer", out var e) && e.GetBoolean()); // the Environment change stays: it describes no layer
        Assert.Single(history, h => !h.TryGetProperty("empty_layer", out _));
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:no-secret", temp.Combine("bundle"));
        Assert.Equal("password=1\n", File.ReadAllText(temp.Combine("bundle", "rootfs", "app", "secret.txt")));

        host.RunClean($"Edit-OciImage oci:{layout}:app -Tag base-only -RemoveLayer -1");
        Assert.Equal(new[] { original[0] }, DiffIds(layout, "base-only"));
        var outOfRange = Assert.Single(host.Run($"Edit-OciImage oci:{layout}:app -Tag x -RemoveLayer 5").Errors);
        Assert.Equal("LayerIndexOutOfRange", outOfRange.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void AnIndexHasEveryImageChangedAndItsArtifactsLeftAsTheyWere()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = temp.Combine("oci");
        var amd = TestImages.Compose(layout, "amd", new[] { TestImages.AddTarLayer(layout, SecretByOtherNames.Lower()), TestImages.AddTarLayer(layout, SecretByOtherNames.Upper()) });
        var arm = TestImages.Compose(layout, "arm", new[] { TestImages.AddTarLayer(layout, SecretByOtherNames.Lower()) }, "arm64");
        File.WriteAllText(temp.Combine("sbom.json"), "{}");
        var artifact = host.RunClean($"New-OciImage -Layout '{layout}' -Tag sbom -ArtifactType application/vnd.example.sbom -File '{temp.Combine("sbom.json")}'").Single().Properties["Digest"].Value.ToString();
        host.RunClean($"New-OciIndex -Layout '{layout}' -Tag multi -Manifest oci:{layout}:amd, oci:{layout}:arm, oci:{layout}:sbom");

        var result = host.Run($"Edit-OciImage oci:{layout}:multi -Destination oci:{temp.Combine("clean")}:multi -RemovePath /etc/secret");
        Assert.Empty(result.Errors);
        var edit = result.Output.Single()!;
        Assert.Equal(2, ((string[])edit.Properties["Platforms"].Value).Length);
        Assert.Equal(new[] { artifact }, (string[])edit.Properties["LeftAsTheyWere"].Value);
        Assert.Contains(result.Warnings, w => w.Contains("left as it was", StringComparison.Ordinal));
        foreach (var platform in new[] { "linux/amd64", "linux/arm64" })
        {
            var items = host.RunClean($"Get-OciLayerItem oci:{temp.Combine("clean")}:multi -Platform {platform}").Select(i => i.Properties["Path"].Value.ToString()).ToList();
            Assert.Contains("/etc/keep", items);
            Assert.DoesNotContain(items, p => p!.StartsWith("/etc/secret", StringComparison.Ordinal) || p == "/etc/alias" || p!.Contains(".wh.", StringComparison.Ordinal));
        }

        Assert.NotEqual(amd, arm);
    }

    [Fact]
    public void ARegistryThatRefusesZstdGetsAClearErrorAndNoTag()
    {
        using var fake = new FakeRegistry { RefuseManifestsWith = "tar+zstd" };
        fake.AddImage("team/app", "v1", 4096);
        using var host = new PowerShellHost();
        var error = Assert.Single(host.Run($"Copy-OciImage {fake.Host}/team/app:v1 {fake.Host}/team/app:zstd -Compression zstd").Errors);
        Assert.Equal("CompressionRefused", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("-Compression gzip", error.Exception.Message, StringComparison.Ordinal);
        Assert.False(fake.HasTag("team/app", "zstd"));
    }
}
