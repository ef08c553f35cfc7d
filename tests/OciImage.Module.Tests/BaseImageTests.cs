using System.Collections;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Issue 31 item 1 (every image of an index at once, annotation edits) and issue 35 (record, check, squash,
/// rebase), in layouts, refereed by skopeo and umoci.
/// </summary>
public sealed class BaseImageTests
{
    /// <summary>A layout with base:1 (one layer, /etc/base.txt = v1) and app built on it (two layers: one file, then that file rewritten and another removed).</summary>
    private static string MakeAppOnBase(TempDirectory temp, PowerShellHost host)
    {
        var layout = temp.Combine("oci");
        var baseTree = Tree(temp.Combine("base1"), ("etc/base.txt", "v1"), ("etc/old.txt", "only in base v1"));
        var step1 = Tree(temp.Combine("step1"), ("app/a.txt", new string('a', 4000)), ("app/gone.txt", "removed later"));
        var step2 = Tree(temp.Combine("step2"), ("app/a.txt", "rewritten"));
        host.RunClean($"New-OciLayer '{baseTree}' -Layout '{layout}' | New-OciImage -Layout '{layout}' -Tag base:1 -Entrypoint /bin/base -Environment @{{ FROM_BASE = '1' }}");
        host.RunClean($"New-OciLayer '{step1}' -Layout '{layout}' | New-OciImage -Layout '{layout}' -Tag app -Base oci:{layout}:base:1 -Entrypoint /app/run -History 'COPY step1'");
        host.RunClean($"New-OciLayer '{step2}' -Base '{step1}' -Layout '{layout}' | Add-OciLayer oci:{layout}:app");

        // A file of the base removed above it: squashing above the base must keep that whiteout.
        var step3 = Tree(temp.Combine("step3"), ("etc/base.txt", "v1"));
        host.RunClean($"New-OciLayer '{step3}' -Base '{baseTree}' -Layout '{layout}' | Add-OciLayer oci:{layout}:app");
        return layout;
    }

    private static string Tree(string root, params (string Path, string Text)[] files)
    {
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
            File.WriteAllText(Path.Combine(root, path), text);
        }

        return root;
    }

    [ToolFact("umoci", "skopeo")]
    public void EveryImageOfAnIndexChangesAtOnceAndArtifactsAreLeftAsTheyAre()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = temp.Combine("oci");
        var tree = SampleTrees.Make(temp.Combine("site"));
        host.RunClean($"$l = New-OciLayer '{tree}' -Layout '{layout}'; " +
            $"$a = $l | New-OciImage -Layout '{layout}' -Tag amd -Platform linux/amd64; $b = $l | New-OciImage -Layout '{layout}' -Tag arm -Platform linux/arm64/v8; " +
            $"$null = $a, $b | New-OciIndex -Layout '{layout}' -Tag multi");
        // An attestation entry (unknown/unknown), as buildx writes one, beside the two images.
        var sbom = temp.Combine("sbom.json");
        File.WriteAllText(sbom, "{}");
        var attestation = host.RunClean($"New-OciImage oci:{layout}:att -ArtifactType application/spdx+json -File '{sbom}'").Single().Properties["Digest"].Value.ToString();
        var indexPath = Path.Combine(layout, "index.json");
        var multi = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{layout}:multi")).RootElement;
        var withAttestation = multi.GetRawText().Replace("]}", $",{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{attestation}\",\"size\":{new FileInfo(Path.Combine(layout, "blobs", "sha256", attestation!.Substring(7))).Length},\"platform\":{{\"os\":\"unknown\",\"architecture\":\"unknown\"}}}}]}}");
        var bytes = System.Text.Encoding.UTF8.GetBytes(withAttestation);
        var digest = ReferenceImages.WriteBlob(layout, bytes);
        ReferenceImages.AddEntry(layout, "multi-att", "application/vnd.oci.image.index.v1+json", digest, bytes.Length);

        var change = host.Run($"Set-OciImageConfig oci:{layout}:multi-att -Entrypoint /bin/changed -Annotation @{{ 'org.example.a' = '1'; 'org.example.b' = '2' }}");
        Assert.Empty(change.Errors);
        var result = change.Output.Single();
        Assert.Equal(2, (int)result.Properties["Changed"].Value);
        Assert.Equal(1, (int)result.Properties["LeftAsIs"].Value);
        Assert.Contains(change.Warnings, w => w.Contains("attestation"));
        var raw = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{layout}:multi-att")).RootElement;
        var entries = raw.GetProperty("manifests").EnumerateArray().ToList();
        Assert.Equal(3, entries.Count);
        Assert.Equal(attestation, entries[2].GetProperty("digest").GetString());
        Assert.Equal("1", raw.GetProperty("annotations").GetProperty("org.example.a").GetString());
        foreach (var arch in new[] { "amd64", "arm64" })
        {
            var config = JsonDocument.Parse(ExternalTool.Run("skopeo", "--override-arch", arch, "inspect", "--config", "--raw", $"oci:{layout}:multi-att")).RootElement;
            Assert.Equal("/bin/changed", config.GetProperty("config").GetProperty("Entrypoint")[0].GetString());
            Assert.Equal(arch, config.GetProperty("architecture").GetString());
        }

        // -Platform changes only that image; $null removes an annotation and keeps the others.
        var amdBefore = entries[0].GetProperty("digest").GetString();
        host.RunClean($"Set-OciImageConfig oci:{layout}:multi-att -Platform linux/arm64 -User 7 -Annotation @{{ 'org.example.b' = $null }}");
        raw = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{layout}:multi-att")).RootElement;
        Assert.Equal(amdBefore, raw.GetProperty("manifests")[0].GetProperty("digest").GetString());
        Assert.False(raw.GetProperty("annotations").TryGetProperty("org.example.b", out _));
        Assert.Equal("1", raw.GetProperty("annotations").GetProperty("org.example.a").GetString());
        var arm = host.RunClean($"Get-OciManifest oci:{layout}:multi-att -Platform linux/arm64").Single();
        var armAnnotations = (Hashtable)arm.Properties["Annotations"].Value;
        Assert.Equal("1", armAnnotations["org.example.a"]);
        Assert.False(armAnnotations.ContainsKey("org.example.b"));
        Assert.Equal("7", host.RunClean($"(Get-OciImageConfig oci:{layout}:multi-att -Platform linux/arm64).Config.User").Single().ToString());
        ExternalTool.Run("skopeo", "copy", "--quiet", "--all", $"oci:{layout}:multi-att", $"oci:{temp.Combine("copied")}:multi");
    }

    [ToolFact("umoci", "skopeo")]
    public void TheBaseIsRecordedCheckedAndRebasedOnto()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = MakeAppOnBase(temp, host);
        var baseDigest = ReferenceImages.SkopeoDigest(layout, "base:1");
        var app = host.RunClean($"Get-OciManifest oci:{layout}:app").Single();
        Assert.Equal($"oci:{layout}:base:1", app.Properties["BaseName"].Value);
        Assert.Equal(baseDigest, app.Properties["BaseDigest"].Value);
        var status = host.RunClean($"Test-OciImage oci:{layout}:app -BaseCurrent").Single();
        Assert.True((bool)status.Properties["IsCurrent"].Value);

        // base:1 moves to a new build (the old one kept under another tag, as a registry keeps it by digest): the
        // check fails with its ErrorId, the status in the TargetObject.
        host.RunClean($"Set-OciTag oci:{layout}:base:1 -Tag base-1-old");
        var base2 = Tree(temp.Combine("base2"), ("etc/base.txt", "v2"), ("etc/new.txt", "only in base v2"));
        host.RunClean($"New-OciLayer '{base2}' -Layout '{layout}' | New-OciImage -Layout '{layout}' -Tag base:1 -Entrypoint /bin/base2 -Platform linux/arm64");
        var stale = host.Run($"'oci:{layout}:app' | Test-OciImage -BaseCurrent");
        var error = Assert.Single(stale.Errors);
        Assert.Equal("BaseImageOutdated,OciImage.Commands.TestOciImageCommand", error.FullyQualifiedErrorId);
        var target = System.Management.Automation.PSObject.AsPSObject(error.TargetObject);
        Assert.Equal(false, target.Properties["IsCurrent"].Value);
        Assert.Equal(1, target.Properties["LayersToRemove"].Value);
        Assert.Equal(1, target.Properties["LayersToAdd"].Value);
        Assert.Equal("False", host.RunClean($"Test-OciImage oci:{layout}:app -BaseCurrent -Quiet").Single().ToString());

        // -WhatIf writes nothing; the rebase replaces the base layer, keeps the app's two and its config.
        var before = ReferenceImages.SkopeoDigest(layout, "app");
        host.RunClean($"Update-OciImageBase oci:{layout}:app -WhatIf");
        Assert.Equal(before, ReferenceImages.SkopeoDigest(layout, "app"));
        var appLayers = ReferenceImages.SkopeoLayers(layout, "app");
        var rebased = host.RunClean($"Update-OciImageBase oci:{layout}:app -Tag rebased").Single();
        Assert.Equal(1, (int)rebased.Properties["Changed"].Value);
        var layers = ReferenceImages.SkopeoLayers(layout, "rebased");
        Assert.Equal(ReferenceImages.SkopeoLayers(layout, "base:1").Concat(appLayers.Skip(1)), layers);
        var config = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"oci:{layout}:rebased")).RootElement;
        Assert.Equal("/app/run", config.GetProperty("config").GetProperty("Entrypoint")[0].GetString());
        Assert.Equal("arm64", config.GetProperty("architecture").GetString());
        var history = config.GetProperty("history").EnumerateArray().Where(h => !h.TryGetProperty("empty_layer", out var e) || !e.GetBoolean()).Count();
        Assert.Equal(config.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength(), history);
        Assert.True(host.RunClean($"Test-OciImage oci:{layout}:rebased -BaseCurrent").Single().Properties["IsCurrent"].Value is true);
        var bundle = temp.Combine("bundle");
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:rebased", bundle);
        Assert.Equal("v2", File.ReadAllText(Path.Combine(bundle, "rootfs", "etc", "base.txt")));
        Assert.True(File.Exists(Path.Combine(bundle, "rootfs", "etc", "new.txt")));
        Assert.Equal("rewritten", File.ReadAllText(Path.Combine(bundle, "rootfs", "app", "a.txt")));

        // A base that is not the bottom of the image is refused, and the tag stays.
        var wrong = host.Run($"Update-OciImageBase oci:{layout}:app -OldBase oci:{layout}:base:1 -NewBase oci:{layout}:base:1");
        Assert.Equal("BaseNotAPrefix,OciImage.Commands.UpdateOciImageBaseCommand", Assert.Single(wrong.Errors).FullyQualifiedErrorId);
        Assert.Equal(before, ReferenceImages.SkopeoDigest(layout, "app"));
        var none = host.Run($"Update-OciImageBase oci:{layout}:base:1 -Tag x");
        Assert.Equal("BaseNotRecorded,OciImage.Commands.UpdateOciImageBaseCommand", Assert.Single(none.Errors).FullyQualifiedErrorId);
    }

    [ToolFact("umoci", "skopeo")]
    public void SquashingKeepsTheTreeAndLeavesNothingWasted()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var layout = MakeAppOnBase(temp, host);
        Assert.True((long)host.RunClean($"(Measure-OciImage oci:{layout}:app).WastedBytes").Single().BaseObject > 0);
        var original = temp.Combine("original");
        host.RunClean($"Expand-OciImage oci:{layout}:app -Destination '{original}' -NoSameOwner");

        var all = host.RunClean($"Merge-OciLayer oci:{layout}:app -Tag flat").Single();
        Assert.Equal(1, (int)all.Properties["Changed"].Value);
        Assert.Single(ReferenceImages.SkopeoLayers(layout, "flat"));
        var above = host.RunClean($"Merge-OciLayer oci:{layout}:app -AboveBase -Tag squashed").Single();
        var layers = ReferenceImages.SkopeoLayers(layout, "squashed");
        Assert.Equal(2, layers.Count);
        Assert.Equal(ReferenceImages.SkopeoLayers(layout, "base:1")[0], layers[0]);
        Assert.Equal(0L, (long)host.RunClean($"(Measure-OciImage oci:{layout}:squashed).WastedBytes").Single().BaseObject);
        Assert.Equal(0L, (long)host.RunClean($"(Measure-OciImage oci:{layout}:flat).WastedBytes").Single().BaseObject);
        foreach (var tag in new[] { "flat", "squashed" })
        {
            var expanded = temp.Combine("x-" + tag);
            host.RunClean($"Expand-OciImage oci:{layout}:{tag} -Destination '{expanded}' -NoSameOwner");
            TreeAssert.Same(original, expanded);
            var bundle = temp.Combine("b-" + tag);
            ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:{tag}", bundle);
            TreeAssert.Same(original, Path.Combine(bundle, "rootfs"));
            Assert.Contains("/app/run", ExternalTool.Run("skopeo", "inspect", "--config", $"oci:{layout}:{tag}"));
        }

        Assert.False(File.Exists(Path.Combine(original, "app", "gone.txt")));
        Assert.False(File.Exists(Path.Combine(original, "etc", "old.txt")));
        _ = above;
    }
}
