using System;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Layers GNU tar writes in its pax format (as Go's archive/tar and buildah do): link targets over 100 bytes and
/// owners over 2,097,151 live in PAX records, and every cmdlet must see them whole.
/// </summary>
public sealed class TarAsWrittenTests
{
    private static readonly string LongFile = "dir/" + new string('x', 150) + ".txt";
    private static readonly string LongTarget = "/" + string.Join("/", Enumerable.Repeat(new string('t', 40), 4));

    [ToolFact("tar", "stat")]
    public void LongLinkTargetsAndBigOwnersReachExpandListingMergedAndCompare()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        TestImages.Compose(layout, "big", new[] { TestImages.AddTarLayer(layout, GnuTarLayer(temp, "3000000", "3000001")) });
        TestImages.Compose(layout, "bigger", new[] { TestImages.AddTarLayer(layout, GnuTarLayer(temp, "3000002", "3000001")) });
        using var host = new PowerShellHost();

        // Expand: the full symlink target, and the hard link (its target's name is 160 bytes) as the file's content.
        var rootfs = temp.Combine("rootfs");
        host.RunClean($"Expand-OciImage oci:{layout}:big '{rootfs}'");
        Assert.Equal(LongTarget, new FileInfo(Path.Combine(rootfs, "link")).LinkTarget);
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(rootfs, "hard")));
        Assert.Equal("hello\n", File.ReadAllText(Path.Combine(rootfs, LongFile)));

        // The listing and the merged view give the owners of the PAX records.
        var owners = host.RunClean($"Get-OciLayerItem oci:{layout}:big -Layer 0 | ForEach-Object {{ \"$($_.Path) $($_.UserId):$($_.GroupId)\" }}").Select(o => o.ToString()).ToList();
        Assert.Contains("/link 3000000:3000001", owners);
        Assert.Contains("/" + LongFile + " 3000000:3000001", owners);
        var merged = host.RunClean($"Get-OciLayerItem oci:{layout}:big -Merged | Where-Object Path -eq '/hard' | ForEach-Object {{ \"$($_.UserId):$($_.LinkTarget)\" }}").Single().ToString();
        Assert.Equal("3000000:" + LongFile, merged.Replace("./", string.Empty, StringComparison.Ordinal));

        // Compare sees an owner change between two owners octal fields cannot hold.
        var changed = host.RunClean($"Compare-OciImage oci:{layout}:big oci:{layout}:bigger -Files | Where-Object Path -eq '/plain.txt' | ForEach-Object {{ $_.ReferenceOwner + '>' + $_.DifferenceOwner }}").Single().ToString();
        Assert.Equal("3000000:3000001>3000002:3000001", changed);

        if (Environment.UserName == "root")
        {
            // As root the owners are applied, to a symbolic link itself (lchown), as tar does; -NoSameOwner keeps root's.
            Assert.Equal("3000000:3000001", Owner(Path.Combine(rootfs, "link")));
            Assert.Equal("3000000:3000001", Owner(Path.Combine(rootfs, "dir")));
            Assert.Equal("3000000:3000001", Owner(Path.Combine(rootfs, "hard")));
            var mine = temp.Combine("mine");
            host.RunClean($"Expand-OciImage oci:{layout}:big '{mine}' -NoSameOwner");
            Assert.Equal("0:0", Owner(Path.Combine(mine, "plain.txt")));
            Assert.Equal("0:0", Owner(Path.Combine(mine, "link")));
        }
    }

    [Fact]
    public void AnOversizeLongNameIsInvalidLayerForEveryReader()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        TestImages.Compose(layout, "bomb", new[] { TestImages.AddTarLayer(layout, TarHeaderBombs.OversizeLongName()) });
        using var host = new PowerShellHost();
        foreach (var command in new[] { $"Get-OciLayerItem oci:{layout}:bomb", $"Get-OciLayerItem oci:{layout}:bomb -Merged", $"Expand-OciImage oci:{layout}:bomb '{temp.Combine("out")}' -MaxSize 10MB" })
        {
            var error = Assert.Single(host.Run(command).Errors);
            Assert.StartsWith("InvalidLayer,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("more than the 1048576 allowed", error.Exception.Message, StringComparison.Ordinal);
        }
    }

    private static byte[] GnuTarLayer(TempDirectory temp, string uid, string gid)
    {
        var source = temp.Combine("src-" + uid);
        Directory.CreateDirectory(Path.Combine(source, "dir"));
        File.WriteAllText(Path.Combine(source, LongFile), "hello\n");
        File.CreateSymbolicLink(Path.Combine(source, "link"), LongTarget);
        ExternalTool.Run("ln", Path.Combine(source, LongFile), Path.Combine(source, "hard"));
        File.WriteAllText(Path.Combine(source, "plain.txt"), "plain\n");
        var tar = temp.Combine("layer-" + uid + ".tar");
        ExternalTool.Run("tar", "--format=pax", $"--owner=u:{uid}", $"--group=g:{gid}", "--mtime=2020-01-01", "--sort=name", "-cf", tar, "-C", source, ".");
        return File.ReadAllBytes(tar);
    }

    private static string Owner(string path) => ExternalTool.Run("stat", "-c", "%u:%g", path).Trim();
}
