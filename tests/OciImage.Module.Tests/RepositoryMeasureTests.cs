using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json.Nodes;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Measure-OciRepository against a layout and a registry whose tags share layers, one tag an alias of another and
/// one an index, each figure checked by hand arithmetic; and what it says a removal frees against what
/// Remove-OciTag and Remove-OciUnusedBlob then free.
/// </summary>
public sealed class RepositoryMeasureTests
{
    /// <summary>The layout: 1.0 and alias name one image; 1.1, 2.0 and solo share base; multi indexes 1.1 and 2.0.</summary>
    private sealed class Repo
    {
        public Repo(string layout)
        {
            Layout = layout;
            TestImages.Layer Layer(char c, int size) => TestImages.AddTarLayer(layout, Encoding.ASCII.GetBytes(new string(c, size)));
            var b = Layer('b', 1000);
            var mid = Layer('m', 2000);
            M10 = TestImages.Compose(layout, "1.0", new[] { b, Layer('a', 300) });
            TestImages.Compose(layout, "alias", new[] { b, Layer('a', 300) });
            M11 = TestImages.Compose(layout, "1.1", new[] { b, mid, Layer('x', 400) });
            M20 = TestImages.Compose(layout, "2.0", new[] { b, mid, Layer('c', 500) }, "arm64");
            Solo = TestImages.Compose(layout, "solo", new[] { b, Layer('d', 600) });
            Index = ReferenceImages.AddIndex(layout, "multi", ("1.1", "linux", "amd64", null), ("2.0", "linux", "arm64", null));
        }

        public string Layout { get; }

        public string M10 { get; }

        public string M11 { get; }

        public string M20 { get; }

        public string Solo { get; }

        public string Index { get; }

        public long Size(string digest) => new FileInfo(Path.Combine(Layout, "blobs", "sha256", digest.Substring(7))).Length;

        /// <summary>A manifest's own bytes and its config's.</summary>
        public long ManifestAndConfig(string digest)
        {
            var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Layout, "blobs", "sha256", digest.Substring(7))))!["config"]!["digest"]!.GetValue<string>();
            return Size(digest) + Size(config);
        }
    }

    [ToolFact("umoci", "skopeo")]
    public void PerTagUniqueAndSharedBytesAddUpByHand()
    {
        using var temp = new TempDirectory();
        var repo = new Repo(temp.Combine("layout"));
        using var host = new PowerShellHost();
        var result = host.RunClean($"Measure-OciRepository oci:{repo.Layout}").Single();
        AssertFigures(repo, result);
        Assert.Empty((Array)result.Properties["Untagged"].Value);
    }

    [ToolFact("umoci", "skopeo", "docker-registry")]
    public void ARegistryRepositoryMeasuresAsItsLayoutDoes()
    {
        using var temp = new TempDirectory();
        var repo = new Repo(temp.Combine("layout"));
        using var registry = new RegistryServer();
        using var host = new PowerShellHost();
        foreach (var tag in new[] { "1.0", "alias", "1.1", "2.0", "solo", "multi" })
        {
            host.RunClean($"Copy-OciImage oci:{repo.Layout}:{tag} {registry.Host}/measure/app:{tag}");
        }

        var result = host.RunClean($"Measure-OciRepository {registry.Host}/measure/app -Remove '1.0', alias, multi, '2.0' -ThrottleLimit 3").Single();
        AssertFigures(repo, result);
        Assert.Equal(repo.ManifestAndConfig(repo.M10) + 300 + repo.Size(repo.Index) + repo.ManifestAndConfig(repo.M20) + 500, (long)result.Properties["FreedBytes"].Value);
    }

    [ToolFact("umoci", "skopeo")]
    public void FreedBytesIsWhatRemoveOciTagAndRemoveOciUnusedBlobFree()
    {
        using var temp = new TempDirectory();
        var repo = new Repo(temp.Combine("layout"));
        using var host = new PowerShellHost();

        // Removing 1.0 alone frees nothing: alias names the same image. Removing multi frees its index blob only.
        var one = host.RunClean($"Measure-OciRepository oci:{repo.Layout} -Remove '1.0', multi").Single();
        Assert.Equal(repo.Size(repo.Index), (long)one.Properties["FreedBytes"].Value);
        Assert.Equal(1, (int)one.Properties["BlobsFreed"].Value);

        // OciTag objects piped in are one removal; 1.0 with its alias goes, and multi, and 2.0.
        var piped = host.RunClean($"Get-OciTag oci:{repo.Layout} -Name '1.0', alias, multi, '2.0' | Measure-OciRepository").Single();
        var freed = (long)piped.Properties["FreedBytes"].Value;
        Assert.Equal(repo.ManifestAndConfig(repo.M10) + 300 + repo.Size(repo.Index) + repo.ManifestAndConfig(repo.M20) + 500, freed);
        Assert.Equal(new[] { "1.0", "2.0", "alias", "multi" }, ((string[])piped.Properties["RemovedTags"].Value).OrderBy(t => t, StringComparer.Ordinal));

        foreach (var tag in new[] { "1.0", "alias", "multi", "2.0" })
        {
            host.RunClean($"Remove-OciTag oci:{repo.Layout}:{tag}");
        }

        var collected = host.RunClean($"Remove-OciUnusedBlob oci:{repo.Layout} -GracePeriod 0 -Confirm:$false").Single();
        Assert.Equal(freed, (long)collected.Properties["UnusedBytes"].Value);
        Assert.Equal(freed, (long)collected.Properties["BytesFreed"].Value);
    }

    [ToolFact("umoci", "skopeo")]
    public void AnUntaggedLayoutEntryKeepsWhatItReachesAsRemoveOciUnusedBlobDoes()
    {
        using var temp = new TempDirectory();
        var repo = new Repo(temp.Combine("layout"));
        AddUntagged(repo.Layout, repo.M20, repo.Size(repo.M20));
        var indexSize = repo.Size(repo.Index);
        using var host = new PowerShellHost();

        var measured = host.RunClean($"Measure-OciRepository oci:{repo.Layout} -Remove multi, '2.0'").Single();
        var untagged = Assert.Single((Array)measured.Properties["Untagged"].Value);
        Assert.Equal(repo.M20, (string)PSObject.AsPSObject(untagged).Properties["Digest"].Value);
        Assert.Equal(0L, (long)measured.Properties["UntaggedOnlyBytes"].Value);
        Assert.Equal(indexSize, (long)measured.Properties["FreedBytes"].Value);

        host.RunClean($"Remove-OciTag oci:{repo.Layout}:multi");
        host.RunClean($"Remove-OciTag oci:{repo.Layout}:2.0");
        var collected = host.RunClean($"Remove-OciUnusedBlob oci:{repo.Layout} -GracePeriod 0 -Confirm:$false").Single();
        Assert.Equal(indexSize, (long)collected.Properties["BytesFreed"].Value);
        var after = host.RunClean($"Measure-OciRepository oci:{repo.Layout}").Single();
        Assert.Equal(repo.ManifestAndConfig(repo.M20) + 500, (long)after.Properties["UntaggedOnlyBytes"].Value);
    }

    [ToolFact("umoci", "skopeo")]
    public void ARemovalTagTheRepositoryLacksIsManifestUnknownAndTheRestIsMeasured()
    {
        using var temp = new TempDirectory();
        var repo = new Repo(temp.Combine("layout"));
        using var host = new PowerShellHost();
        var result = host.Run($"Measure-OciRepository oci:{repo.Layout} -Remove nope, multi");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("ManifestUnknown", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        var measured = Assert.Single(result.Output);
        Assert.Equal(new[] { "multi" }, (string[])measured.Properties["RemovedTags"].Value);
        Assert.Equal(repo.Size(repo.Index), (long)measured.Properties["FreedBytes"].Value);
    }

    /// <summary>The figures with no removal: per tag unique, shared and total bytes, and the stored total, by hand.</summary>
    private static void AssertFigures(Repo repo, PSObject result)
    {
        var tags = ((Array)result.Properties["Tags"].Value).Cast<object>().Select(PSObject.AsPSObject)
            .ToDictionary(t => (string)t.Properties["Tag"].Value, t => t);
        Assert.Equal(new[] { "1.0", "1.1", "2.0", "alias", "multi", "solo" }, tags.Keys.OrderBy(t => t, StringComparer.Ordinal));
        long Unique(string tag) => (long)tags[tag].Properties["UniqueBytes"].Value;
        long Shared(string tag) => (long)tags[tag].Properties["SharedBytes"].Value;
        long Total(string tag) => (long)tags[tag].Properties["TotalBytes"].Value;

        var m10 = repo.ManifestAndConfig(repo.M10);
        var m11 = repo.ManifestAndConfig(repo.M11);
        var m20 = repo.ManifestAndConfig(repo.M20);
        var solo = repo.ManifestAndConfig(repo.Solo);
        var index = repo.Size(repo.Index);

        // 1.0 and alias are one image: nothing of theirs is unique. 1.1 and 2.0 live on inside multi.
        Assert.Equal((0L, m10 + 1000 + 300), (Unique("1.0"), Shared("1.0")));
        Assert.Equal((0L, m10 + 1000 + 300), (Unique("alias"), Shared("alias")));
        Assert.Equal((0L, m11 + 1000 + 2000 + 400), (Unique("1.1"), Shared("1.1")));
        Assert.Equal((0L, m20 + 1000 + 2000 + 500), (Unique("2.0"), Shared("2.0")));
        Assert.Equal((solo + 600, 1000L), (Unique("solo"), Shared("solo")));
        Assert.Equal((index, m11 + m20 + 1000 + 2000 + 400 + 500), (Unique("multi"), Shared("multi")));
        Assert.Equal(index + m11 + m20 + 3900, Total("multi"));
        Assert.Equal(repo.M10, (string)tags["alias"].Properties["Digest"].Value);
        Assert.Equal(repo.Index, (string)tags["multi"].Properties["Digest"].Value);
        Assert.Equal(1 + 5 + 3, ((Array)tags["multi"].Properties["Blobs"].Value).Length); // the index; 1.1's five blobs; 2.0's three not shared with 1.1

        Assert.Equal(6, (int)result.Properties["TagCount"].Value);
        Assert.Equal(m10 + m11 + m20 + solo + index + 1000 + 2000 + 300 + 400 + 500 + 600, (long)result.Properties["StoredBytes"].Value);
        Assert.Equal(4 * 2 + 1 + 6, (int)result.Properties["BlobCount"].Value);
        Assert.True((bool)result.Properties["Complete"].Value);
    }

    private static void AddUntagged(string layout, string digest, long size)
    {
        var path = Path.Combine(layout, "index.json");
        var index = JsonNode.Parse(File.ReadAllText(path))!;
        index["manifests"]!.AsArray().Add(new JsonObject { ["mediaType"] = "application/vnd.oci.image.manifest.v1+json", ["digest"] = digest, ["size"] = size });
        File.WriteAllText(path, index.ToJsonString());
    }
}
