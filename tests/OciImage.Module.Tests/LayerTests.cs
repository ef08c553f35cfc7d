using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>New-OciLayer, Get-OciLayerItem and Expand-OciImage, with umoci as the referee.</summary>
public sealed class LayerTests
{
    [ToolFact("umoci", "skopeo")]
    public void LayersWeBuildUmociUnpacksToTheSameTree()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("site"));
        var layout = temp.Combine("oci");
        using var host = new PowerShellHost();
        var layer = host.RunClean($"New-OciLayer -Path '{tree}' -Destination /srv/site -Layout '{layout}'").Single();
        Assert.Equal(SampleTrees.FileCount, (int)layer.Properties["FileCount"].Value);
        Assert.True(File.Exists((string)layer.Properties["BlobPath"].Value));

        TestImages.Compose(layout, "built", new[]
        {
            new TestImages.Layer(layer.Properties["Digest"].Value.ToString()!, layer.Properties["DiffId"].Value.ToString()!, (long)layer.Properties["Size"].Value, (string)layer.Properties["MediaType"].Value),
        });
        ExternalTool.Run("skopeo", "inspect", $"oci:{layout}:built");
        var bundle = temp.Combine("bundle");
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:built", bundle);
        TreeAssert.Same(tree, Path.Combine(bundle, "rootfs", "srv", "site"));

        // Expand-OciImage gives the same tree.
        host.RunClean($"Expand-OciImage oci:{layout}:built -Destination '{temp.Combine("ours")}'");
        TreeAssert.Same(Path.Combine(bundle, "rootfs"), temp.Combine("ours"));

        // And the layer lists the same entries.
        var items = host.RunClean($"Get-OciLayerItem oci:{layout}:built -Layer 0").Select(i => i.Properties["Path"].Value.ToString()).ToList();
        Assert.Contains("/srv/site/" + SampleTrees.LongName, items);
        Assert.Contains("/srv/site/données/café.txt", items);
        Assert.Equal("/srv", items[0]);
    }

    [ToolFact("umoci")]
    public void ImagesUmociBuiltExpandLikeUmociUnpacks()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        ReferenceImages.BuildWithUmoci(layout, "app", "amd64", new Dictionary<string, string> { ["keep.txt"] = "keep", ["gone.txt"] = "gone", ["sub/a.txt"] = "a" });

        // A second layer that deletes a file (umoci writes a .wh. whiteout) and adds another.
        var extra = temp.Combine("extra");
        Directory.CreateDirectory(extra);
        File.WriteAllText(Path.Combine(extra, "added.txt"), "added");
        ExternalTool.Run("umoci", "insert", "--image", $"{layout}:app", extra, "/app/more");
        ExternalTool.Run("umoci", "insert", "--image", $"{layout}:app", "--whiteout", "/app/gone.txt");

        var bundle = temp.Combine("bundle");
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:app", bundle);
        using var host = new PowerShellHost();
        var expanded = host.RunClean($"Expand-OciImage oci:{layout}:app '{temp.Combine("ours")}'").Single();
        TreeAssert.Same(Path.Combine(bundle, "rootfs"), temp.Combine("ours"));
        Assert.False(File.Exists(temp.Combine("ours", "app", "gone.txt")));

        var whiteouts = host.RunClean($"Get-OciLayerItem oci:{layout}:app -Layer -1 | Where-Object IsWhiteout").Single();
        Assert.Equal("/app/.wh.gone.txt", whiteouts.Properties["Path"].Value);
    }

    [Theory]
    [InlineData("dotdot")]
    [InlineData("absolute")]
    [InlineData("absolute-dotdot")]
    [InlineData("hardlink-out")]
    [InlineData("hardlink-absolute")]
    [InlineData("symlink-out")]
    [InlineData("whiteout-dotdot")]
    public void HostileLayersAreRefusedAndWriteNothingOutside(string kind)
    {
        // A sentinel folder outside the target, with a file a hard link could reach; every hostile name below
        // points into it (by ../ or by its absolute path), so a layer that escaped would change it.
        using var temp = new TempDirectory();
        var sentinel = temp.Combine("sentinel");
        Directory.CreateDirectory(sentinel);
        var secret = Path.Combine(sentinel, "secret.txt");
        File.WriteAllText(secret, "untouched");
        var layout = temp.Combine("layout");
        var tar = kind switch
        {
            "dotdot" => new HostileTar().File("ok.txt", "ok").File("../sentinel/escaped.txt", "evil"),
            "absolute" => new HostileTar().File(sentinel + "/escaped.txt", "evil"),
            "absolute-dotdot" => new HostileTar().File("/../../../../../.." + sentinel + "/escaped.txt", "evil"),
            "hardlink-out" => new HostileTar().HardLink("linked", "../sentinel/secret.txt").File("linked", "evil"),
            "hardlink-absolute" => new HostileTar().HardLink("linked", secret).File("linked", "evil"),
            "symlink-out" => new HostileTar().Symlink("up", "../sentinel").File("up/escaped.txt", "evil"),
            _ => new HostileTar().File(".wh...", ""),
        };
        var layer = TestImages.AddTarLayer(layout, tar.ToArray());
        TestImages.Compose(layout, "evil", new[] { layer });

        using var host = new PowerShellHost();
        var destination = temp.Combine("rootfs");
        var result = host.Run($"Expand-OciImage oci:{layout}:evil '{destination}'");
        var error = Assert.Single(result.Errors);
        Assert.Equal("UnsafeLayerEntry,OciImage.Commands.ExpandOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Equal("InvalidData", error.CategoryInfo.Category.ToString());

        // Nothing where the names point, nothing changed in the sentinel, no half-expanded tree.
        Assert.Equal(new[] { secret }, Directory.GetFileSystemEntries(sentinel));
        Assert.Equal("untouched", File.ReadAllText(secret));
        Assert.Equal(1, LinkCount(secret));
        Assert.False(File.Exists(temp.Combine("escaped.txt")));
        Assert.False(File.Exists("/escaped.txt"));
        Assert.Equal(new[] { "layout", "sentinel" }, Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>How many names the file has (a hard link made to it from inside a target would add one).</summary>
    private static long LinkCount(string path)
    {
        var stat = ExternalTool.Run("stat", "-c", "%h", path).Trim();
        return long.Parse(stat, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void ASymlinkCannotCarryAFileOutOfTheRoot()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(outside);

        // An absolute link, then a file written "through" it: it must land inside the root. A device is skipped.
        var tar = new HostileTar().Symlink("link", outside).File("link/planted.txt", "evil").Device("dev/null");
        TestImages.Compose(layout, "trick", new[] { TestImages.AddTarLayer(layout, tar.ToArray()) });

        using var host = new PowerShellHost();
        var destination = temp.Combine("rootfs");
        var result = host.Run($"Expand-OciImage oci:{layout}:trick '{destination}'");
        Assert.Empty(result.Errors);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
        Assert.True(File.Exists(Path.Combine(destination, outside.TrimStart('/'), "planted.txt")));
        Assert.False(File.Exists(Path.Combine(destination, "dev", "null")));
    }

    [Fact]
    public void ATarBombStopsAtMaxSizeAndLeavesNothing()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var big = new string('x', 200_000);
        var tar = new HostileTar().File("a.bin", big).File("b.bin", big).File("c.bin", big);
        TestImages.Compose(layout, "bomb", new[] { TestImages.AddTarLayer(layout, tar.ToArray()) });

        using var host = new PowerShellHost();
        var destination = temp.Combine("rootfs");
        var error = Assert.Single(host.Run($"Expand-OciImage oci:{layout}:bomb '{destination}' -MaxSize 300000").Errors);
        Assert.Equal("ExtractionLimitExceeded,OciImage.Commands.ExpandOciImageCommand", error.FullyQualifiedErrorId);
        Assert.False(Directory.Exists(destination));
    }

    [Fact]
    public void CompressionLevelAndTheGzipEncoderBindAsDocumented()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        string Digest(string parameters, string output) =>
            host.RunClean($"(New-OciLayer '{tree}' -OutputDirectory '{temp.Combine(output)}' {parameters}).Digest.ToString()").Single().ToString()!;

        // The portable encoder is the default: Optimal is 6 and the default level, Fastest is 1, names in any case, numbers as numbers.
        var optimal = Digest("-GzipEncoder Portable", "p");
        Assert.Equal(optimal, Digest(string.Empty, "default"));
        Assert.NotEqual(optimal, Digest("-GzipEncoder Runtime", "r"));
        Assert.Equal(Digest("-GzipEncoder Portable -CompressionLevel 4", "p4"), Digest("-CompressionLevel 4", "d4"));
        Assert.Equal(optimal, Digest("-GzipEncoder portable -CompressionLevel 6", "p6"));
        Assert.Equal(Digest("-GzipEncoder Portable -CompressionLevel fastest", "pf"), Digest("-GzipEncoder Portable -CompressionLevel 1", "p1"));
        Assert.NotEqual(optimal, Digest("-GzipEncoder Portable -CompressionLevel 1", "p1b"));
        Assert.Equal(Digest("-Compression zstd -CompressionLevel Optimal", "z"), Digest("-Compression zstd -CompressionLevel 3", "z3"));

        // Out of range: a parameter binding error; a level the runtime's deflate lacks, or any level for none: InvalidArgument.
        foreach (var bad in new[] { "0", "10", "Best" })
        {
            var error = Assert.Single(host.Run($"New-OciLayer '{tree}' -OutputDirectory '{temp.Combine("bad")}' -CompressionLevel {bad}").Errors);
            Assert.Equal("ParameterArgumentValidationError,OciImage.Commands.NewOciLayerCommand", error.FullyQualifiedErrorId);
        }

        var runtime = Assert.Single(host.Run($"New-OciLayer '{tree}' -OutputDirectory '{temp.Combine("bad")}' -GzipEncoder Runtime -CompressionLevel 4").Errors);
        Assert.Equal("UnknownCompressionLevel,OciImage.Commands.NewOciLayerCommand", runtime.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, runtime.CategoryInfo.Category);
        var none = Assert.Single(host.Run($"New-OciLayer '{tree}' -OutputDirectory '{temp.Combine("bad")}' -Compression none -CompressionLevel 9").Errors);
        Assert.Equal("UnknownCompressionLevel,OciImage.Commands.NewOciLayerCommand", none.FullyQualifiedErrorId);
        Assert.False(Directory.Exists(temp.Combine("bad")) && Directory.GetFiles(temp.Combine("bad")).Length > 0);
    }

    [Fact]
    public void NewOciLayerBadInputAndWhatIf()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var missing = Assert.Single(host.Run($"New-OciLayer '{temp.Combine("nope")}' -OutputDirectory '{temp.Combine("out")}'").Errors);
        Assert.Equal("DirectoryNotFound,OciImage.Commands.NewOciLayerCommand", missing.FullyQualifiedErrorId);
        File.WriteAllText(temp.Combine("file"), "x");
        var file = Assert.Single(host.Run($"New-OciLayer '{temp.Combine("file")}' -OutputDirectory '{temp.Combine("out")}'").Errors);
        Assert.Equal("NotADirectory,OciImage.Commands.NewOciLayerCommand", file.FullyQualifiedErrorId);

        var tree = SampleTrees.Make(temp.Combine("tree"));
        host.RunClean($"New-OciLayer '{tree}' -OutputDirectory '{temp.Combine("whatif")}' -WhatIf");
        Assert.False(Directory.Exists(temp.Combine("whatif")));
    }
}

/// <summary>
/// Tests that set a process-wide environment variable ($env:SOURCE_DATE_EPOCH): they run alone, since a build in
/// a test running beside them would see the variable and write other bytes (seen as a flaky digest under load).
/// </summary>
[CollectionDefinition(nameof(ProcessEnvironment), DisableParallelization = true)]
public sealed class ProcessEnvironment
{
}

[Collection(nameof(ProcessEnvironment))]
public sealed class SourceDateEpochTests
{
    [Fact]
    public void SourceDateEpochAndTimestampSetTheEntryTimes()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var tree = SampleTrees.Make(temp.Combine("tree"));

        // SOURCE_DATE_EPOCH and -Timestamp set the entry times; the same inputs give the same digest.
        var a = host.RunClean($"$env:SOURCE_DATE_EPOCH = '1700000000'; try {{ (New-OciLayer '{tree}' -OutputDirectory '{temp.Combine("o1")}').Digest.ToString() }} finally {{ $env:SOURCE_DATE_EPOCH = $null }}").Single().ToString();
        var b = host.RunClean($"(New-OciLayer '{tree}' -OutputDirectory '{temp.Combine("o2")}' -Timestamp ([datetime]::new(2023, 11, 14, 22, 13, 20, [System.DateTimeKind]::Utc))).Digest.ToString()").Single().ToString();
        Assert.Equal(a, b);
        var items = host.RunClean($"Get-OciLayerItem -LiteralPath ([System.IO.Directory]::GetFiles('{temp.Combine("o2")}')[0])");
        Assert.All(items, i => Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20), (DateTime)i.Properties["Modified"].Value));
    }
}

/// <summary>Compares two directory trees: the same names, types, link targets, file bytes and modes.</summary>
public static class TreeAssert
{
    public static void Same(string expected, string actual)
    {
        var left = Describe(expected);
        var right = Describe(actual);
        Assert.Equal(left.Keys.OrderBy(k => k, StringComparer.Ordinal), right.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var key in left.Keys)
        {
            Assert.True(left[key] == right[key], $"{key}: {left[key]} vs {right[key]}");
        }
    }

    private static Dictionary<string, string> Describe(string root)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var info in new DirectoryInfo(root).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, info.FullName);
            if (info.LinkTarget is { } target)
            {
                result[relative] = "link:" + target;
            }
            else if (info is FileInfo file)
            {
                result[relative] = "file:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file.FullName))) + ":" + Convert.ToString((int)File.GetUnixFileMode(file.FullName), 8);
            }
            else
            {
                result[relative] = "dir";
            }
        }

        return result;
    }
}
