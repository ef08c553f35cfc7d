using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Analysis;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// dive 0.13's figures, exactly, on images whose tars are written entry by entry: one test per case the help
/// names (a file added then deleted, overwritten, chmod-only, a hard link, a directory removed by a whiteout, an
/// opaque directory), dive's own unit test as tars, and the OCI merged file system beside them.
/// </summary>
public sealed class ImageAnalysisTests : IDisposable
{
    private readonly TempDirectory _temp = new("analysis");
    private int _images;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void DivesOwnEfficiencyTestGivesItsScoreWhenParentsAreNotListed()
    {
        // dive's filetree TestEfficency: parents added without data, so the whiteout of /etc/nginx counts 0.
        var analysis = Analyse(
            new HostileTar().File("etc/nginx/nginx.conf", 2000).File("etc/nginx/public", 3000),
            new HostileTar().File("etc/nginx/nginx.conf", 5000).File("etc/athing", 10000),
            new HostileTar().Whiteout("etc/nginx"));

        Assert.Equal(0.75, analysis.Efficiency);
        var only = Assert.Single(analysis.Inefficiencies);
        Assert.Equal("/etc/nginx/nginx.conf", only.Path);
        Assert.Equal(new[] { 0, 1 }, only.Layers);
        Assert.Equal(7000, only.CumulativeSize);
        Assert.Equal(7000, analysis.WastedBytes);
        Assert.Equal(15000, analysis.UserSize);
        Assert.Equal(7000.0 / 15000, analysis.WastedPercent);
    }

    [Fact]
    public void AWhiteoutOfAListedDirectoryCountsWhatWasUnderItBelow()
    {
        var analysis = Analyse(
            new HostileTar().Directory("etc/").Directory("etc/nginx/").File("etc/nginx/nginx.conf", 2000).File("etc/nginx/public", 3000),
            new HostileTar().Directory("etc/").Directory("etc/nginx/").File("etc/nginx/nginx.conf", 5000).File("etc/athing", 10000),
            new HostileTar().Directory("etc/").Whiteout("etc/nginx"));

        // /etc/nginx: 5000 + 3000 (the newest copies below) at the whiteout, seen once; nginx.conf seen twice.
        Assert.Equal((2000.0 + 3000 + 10000 + 8000) / (7000 + 3000 + 10000 + 8000), analysis.Efficiency);
        Assert.Equal(7000, analysis.WastedBytes);
        Assert.Equal(5000 + 15000, analysis.UncompressedSize);
        Assert.Equal(15000, analysis.UserSize);
        Assert.Equal(new long[] { 5000, 15000, 0 }, analysis.Layers.Select(l => l.UncompressedSize));

        // The OCI file system: /etc/nginx is gone, with its two files.
        Assert.Equal(new[] { "/etc", "/etc/athing" }, analysis.FileSystem.Entries().Select(e => e.Path));
        Assert.Equal((2, 8000L), (analysis.Layers[2].Changes.FilesRemoved, analysis.Layers[2].Changes.BytesRemoved));
        Assert.Equal((1, 10000L, 1, 5000L), (analysis.Layers[1].Changes.FilesAdded, analysis.Layers[1].Changes.BytesAdded,
            analysis.Layers[1].Changes.FilesChanged, analysis.Layers[1].Changes.BytesChanged));
    }

    [Fact]
    public void AFileAddedThenDeletedIsWastedWhole()
    {
        var analysis = Analyse(
            new HostileTar().Directory("a/").File("a/big", 1000).File("a/keep", 10),
            new HostileTar().Directory("a/").Whiteout("a/big").File("a/new", 90));

        // /a/big: 1000 then 0 (a whiteout of a file); /a/keep 10; /a/new 90.
        Assert.Equal((0.0 + 10 + 90) / (1000 + 10 + 90), analysis.Efficiency);
        Assert.Equal(1000, analysis.WastedBytes);
        Assert.Equal(90, analysis.UserSize);
        Assert.Equal(1000.0 / 90, analysis.WastedPercent);
        var big = Assert.Single(analysis.Inefficiencies);
        Assert.Equal(("/a/big", 1000L), (big.Path, big.CumulativeSize));
        Assert.Equal(new[] { "/a", "/a/keep", "/a/new" }, analysis.FileSystem.Entries().Select(e => e.Path));
        Assert.Equal(2, analysis.FileCount);
    }

    [Fact]
    public void AnOverwrittenFileAndAChmodOnlyFileShipTwice()
    {
        var analysis = Analyse(
            new HostileTar().File("f", 100, 'a').File("g", 50, 'b', mode: 0x1A4),
            new HostileTar().File("f", 120, 'c').File("g", 50, 'b', mode: 0x1ED));

        Assert.Equal((100.0 + 50) / (220 + 100), analysis.Efficiency);
        Assert.Equal(320, analysis.WastedBytes);
        Assert.Equal(170, analysis.UserSize);
        Assert.Equal(new[] { ("/f", 220L), ("/g", 100L) }, analysis.Inefficiencies.Select(i => (i.Path, i.CumulativeSize)));

        // The merged file system keeps the newest copies and names the layer each shadows.
        var merged = analysis.FileSystem.Entries().ToDictionary(e => e.Path);
        Assert.Equal(1, merged["/f"].LayerIndex);
        Assert.Equal(new[] { 0 }, merged["/f"].ShadowedLayers);
        Assert.Equal(0x1ED, merged["/g"].Entry.Mode);
        Assert.Equal((0, 2, 170L), (analysis.Layers[1].Changes.FilesAdded, analysis.Layers[1].Changes.FilesChanged, analysis.Layers[1].Changes.BytesChanged));
    }

    [Fact]
    public void AHardLinkCountsNothing()
    {
        var analysis = Analyse(
            new HostileTar().File("bin/tool", 100),
            new HostileTar().HardLink("bin/alias", "bin/tool").File("bin/other", 5));

        Assert.Equal(1.0, analysis.Efficiency);
        Assert.Equal(0, analysis.WastedBytes);
        Assert.Equal(5, analysis.UserSize);
        var link = analysis.FileSystem.Entries().Single(e => e.Path == "/bin/alias");
        Assert.Equal((EntryKind.HardLink, "bin/tool", 1), (link.Entry.Kind, link.Entry.LinkTarget, link.LayerIndex));
    }

    [Fact]
    public void ADirectoryRemovedByAWhiteoutIsSeenOnceUnlessItWasALeafBelow()
    {
        var analysis = Analyse(
            new HostileTar().Directory("d/").File("d/x", 100).Directory("d/y/").File("d/y/z", 50).Directory("e/"),
            new HostileTar().Whiteout("d").Whiteout("e").File("n", 10));

        // /d counts 150 at the whiteout, once (d has files under it in layer 0, so it is no leaf there); the files
        // count once each at their own paths. The empty directory /e is a leaf in both layers: seen twice, 0 bytes.
        Assert.Equal(1.0, analysis.Efficiency);
        Assert.Equal(0, analysis.WastedBytes);
        var e = Assert.Single(analysis.Inefficiencies);
        Assert.Equal(("/e", 0L), (e.Path, e.CumulativeSize));
        Assert.Equal(new[] { 0, 1 }, e.Layers);
        Assert.Equal(new[] { "/n" }, analysis.FileSystem.Entries().Select(x => x.Path));
        Assert.Equal((2, 150L, 1), (analysis.Layers[1].Changes.FilesRemoved, analysis.Layers[1].Changes.BytesRemoved, analysis.Layers[1].Changes.FilesAdded));
    }

    [Fact]
    public void AnOpaqueDirectoryIsIgnoredByDiveAndHidesTheLowerFilesInTheMergedFileSystem()
    {
        var analysis = Analyse(
            new HostileTar().Directory("o/").File("o/old", 100),
            new HostileTar().Directory("o/").Opaque("o").File("o/new", 30));

        Assert.Equal(1.0, analysis.Efficiency);
        Assert.Equal(0, analysis.WastedBytes);
        Assert.Empty(analysis.Inefficiencies);
        Assert.Equal(30, analysis.UserSize);
        Assert.Equal(new[] { "/o", "/o/new" }, analysis.FileSystem.Entries().Select(x => x.Path));
        Assert.Equal((1, 100L, 1, 30L), (analysis.Layers[1].Changes.FilesRemoved, analysis.Layers[1].Changes.BytesRemoved,
            analysis.Layers[1].Changes.FilesAdded, analysis.Layers[1].Changes.BytesAdded));
    }

    [Fact]
    public void AWhiteoutOfNothingStopsTheLayerAsInDiveAndSaysSo()
    {
        // In dive's order ".wh.nothing" comes before "b": the lookup fails, the rest of the layer is not counted,
        // and /nothing adds -1 to the minimum.
        var analysis = Analyse(
            new HostileTar().File("a", 10),
            new HostileTar().Whiteout("nothing").File("b", 20));

        Assert.Equal((10.0 - 1) / 10, analysis.Efficiency);
        Assert.Equal(0, analysis.WastedBytes);
        Assert.Equal(20, analysis.UserSize);
        Assert.Contains(analysis.Notes, n => n.Contains("/nothing"));
        Assert.Equal(new[] { "/a", "/b" }, analysis.FileSystem.Entries().Select(x => x.Path));
    }

    [Fact]
    public void AnEmptyImageIsFullyEfficientAndItsWastedPercentIsNaN()
    {
        var analysis = Analyse(new HostileTar().Directory("empty/"));
        Assert.Equal(1.0, analysis.Efficiency);
        Assert.Equal(0, analysis.UserSize);
        Assert.True(double.IsNaN(analysis.WastedPercent));
    }

    [Fact]
    public void RulesFailAsDiveCiDoes()
    {
        var analysis = Analyse(
            new HostileTar().Directory("a/").File("a/big", 1000).File("a/keep", 10),
            new HostileTar().Directory("a/").Whiteout("a/big").File("a/new", 90));

        Assert.Empty(new EfficiencyRules { MinimumEfficiency = 100.0 / 1100, MaximumWastedBytes = 1000, MaximumWastedPercent = 1000.0 / 90 }.Evaluate(analysis));
        var failures = new EfficiencyRules { MinimumEfficiency = 0.5, MaximumWastedBytes = 999, MaximumWastedPercent = 0.1 }.Evaluate(analysis);
        Assert.Equal(3, failures.Count);
        Assert.Contains("lowestEfficiency", failures[0]);
        Assert.Contains("1000", failures[1]);
        Assert.Contains("highestUserWastedPercent", failures[2]);

        // NaN (no user bytes, nothing wasted) passes the percent rule, as in dive.
        var empty = Analyse(new HostileTar().File("only", 5));
        Assert.Empty(new EfficiencyRules { MaximumWastedPercent = 0 }.Evaluate(empty));
    }

    [Fact]
    public void FileDifferencesAreExactAndContentIsComparedByDigest()
    {
        var baseLayer = new HostileTar().Directory("etc/").File("etc/conf", "setting=1").File("bin/tool", 100, 'a')
            .Symlink("lnk", "bin/tool").File("data/x", 5).File("same/s", "hello").File("t", 3).File("old", 7);
        var before = Analyse(true, baseLayer);
        var after = Analyse(true,
            new HostileTar().Directory("etc/").File("etc/conf", "setting=1").File("bin/tool", 100, 'a')
                .Symlink("lnk", "bin/tool").File("data/x", 5).File("same/s", "hello").File("t", 3).File("old", 7),
            new HostileTar().File("etc/conf", System.Text.Encoding.UTF8.GetBytes("setting=1"), mode: 0x180)
                .File("bin/tool", 100, 'b').Symlink("lnk", "bin/other").File("data/x", 5, owner: 1000)
                .File("same/s", "hello").Whiteout("t").Directory("t/").Whiteout("old").File("new", 4));

        var differences = ImageComparer.CompareFiles(before.FileSystem.Entries(), after.FileSystem.Entries(), null);
        Assert.Equal(new[]
            {
                "/bin/tool Modified", "/data/x OwnerChanged", "/etc/conf ModeChanged", "/lnk LinkChanged",
                "/new Added", "/old Removed", "/t TypeChanged",
            },
            differences.Select(d => d.Path + " " + d.Change));
        var tool = differences[0];
        Assert.Equal((0, 1), (tool.Reference!.LayerIndex, tool.Difference!.LayerIndex));

        var etc = ImageComparer.CompareFiles(before.FileSystem.Entries(), after.FileSystem.Entries(), new PathFilter("/etc"));
        Assert.Equal(new[] { "/etc/conf" }, etc.Select(d => d.Path));
        var wildcard = ImageComparer.CompareFiles(before.FileSystem.Entries(), after.FileSystem.Entries(), new PathFilter("/[bd]*"));
        Assert.Equal(new[] { "/bin/tool", "/data/x" }, wildcard.Select(d => d.Path));
    }

    [Fact]
    public void LayersAreMatchedByDigestThenByDiffId()
    {
        var side = (int i, string digest, string diffId) => new LayerSide(i,
            new Model.Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Parse(digest), Size = 10 + i }, Digest.Parse(diffId), null);
        string D(char c) => "sha256:" + new string(c, 64);
        var reference = new[] { side(0, D('1'), D('a')), side(1, D('2'), D('b')), side(2, D('3'), D('c')) };
        var difference = new[] { side(0, D('1'), D('a')), side(1, D('4'), D('b')), side(2, D('5'), D('e')) };

        var result = ImageComparer.CompareLayers(reference, difference);
        Assert.Equal(new[] { "Shared Digest 0 0", "Shared DiffId 1 1", "Added  - 2", "Removed  2 -" },
            result.Select(r => $"{r.Change} {r.MatchedBy} {r.Reference?.Index.ToString() ?? "-"} {r.Difference?.Index.ToString() ?? "-"}"));
    }

    [ToolFact("umoci")]
    public void AnImageUmociRepackedWithWhiteoutsGivesDivesFigures()
    {
        // umoci writes the whiteouts: insert a tree, unpack it, delete a file and a directory, chmod a file, add
        // one, repack. Layer 0: app/, app/big 1000, app/keep 10, app/cache/, app/cache/a 300, app/cache/b 200.
        // Layer 1: app/, app/.wh.big, app/.wh.cache, app/keep 10 (mode 0700), app/new 90.
        var layout = _temp.Combine("umoci");
        var source = _temp.Combine("src", "app");
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(source, "cache"));
        System.IO.File.WriteAllBytes(System.IO.Path.Combine(source, "big"), new byte[1000]);
        System.IO.File.WriteAllText(System.IO.Path.Combine(source, "keep"), "0123456789");
        System.IO.File.WriteAllBytes(System.IO.Path.Combine(source, "cache", "a"), new byte[300]);
        System.IO.File.WriteAllBytes(System.IO.Path.Combine(source, "cache", "b"), new byte[200]);
        ExternalTool.Run("umoci", "init", "--layout", layout);
        ExternalTool.Run("umoci", "new", "--image", layout + ":v1");
        ExternalTool.Run("umoci", "insert", "--image", layout + ":v1", source, "/app");
        var bundle = _temp.Combine("bundle");
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", layout + ":v1", bundle);
        var app = System.IO.Path.Combine(bundle, "rootfs", "app");
        System.IO.File.Delete(System.IO.Path.Combine(app, "big"));
        System.IO.Directory.Delete(System.IO.Path.Combine(app, "cache"), recursive: true);
        System.IO.File.SetUnixFileMode(System.IO.Path.Combine(app, "keep"), System.IO.UnixFileMode.UserRead | System.IO.UnixFileMode.UserWrite | System.IO.UnixFileMode.UserExecute);
        System.IO.File.WriteAllBytes(System.IO.Path.Combine(app, "new"), new byte[90]);
        ExternalTool.Run("umoci", "repack", "--image", layout + ":v2", bundle);

        using var store = OciLayoutStore.Open(layout);
        var v2 = Reference.Parse($"oci:{layout}:v2");
        var analysis = ImageAnalyzer.AnalyzeAsync(store, v2, null, new AnalysisOptions { HashContent = true }, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal((0.0 + 10 + 300 + 200 + 500 + 90) / (1000 + 20 + 300 + 200 + 500 + 90), analysis.Efficiency);
        Assert.Equal(1020, analysis.WastedBytes);
        Assert.Equal(100, analysis.UserSize);
        Assert.Equal(10.2, analysis.WastedPercent, 12);
        Assert.Equal(new[] { ("/app/big", 1000L), ("/app/keep", 20L) }, analysis.Inefficiencies.Select(i => (i.Path, i.CumulativeSize)));
        Assert.Equal(new[] { "/app", "/app/keep", "/app/new" }, analysis.FileSystem.Entries().Select(e => e.Path));
        Assert.Equal((3, 1500L), (analysis.Layers[1].Changes.FilesRemoved, analysis.Layers[1].Changes.BytesRemoved));

        var v1 = ImageAnalyzer.AnalyzeAsync(store, Reference.Parse($"oci:{layout}:v1"), null, new AnalysisOptions { HashContent = true }, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
        var differences = ImageComparer.CompareFiles(v1.FileSystem.Entries(), analysis.FileSystem.Entries(), null);
        Assert.Equal(new[]
            {
                "/app/big Removed", "/app/cache Removed", "/app/cache/a Removed", "/app/cache/b Removed", "/app/keep ModeChanged", "/app/new Added",
            },
            differences.Select(d => d.Path + " " + d.Change));
    }

    private ImageAnalysis Analyse(params HostileTar[] layers) => Analyse(false, layers);

    private ImageAnalysis Analyse(bool hashContent, params HostileTar[] layers)
    {
        var layout = _temp.Combine("layout");
        var tag = "t" + _images++;
        var described = layers.Select(l => TestImages.AddTarLayer(layout, l.ToArray())).ToList();
        TestImages.Compose(layout, tag, described);
        using var store = OciLayoutStore.Open(layout);
        return ImageAnalyzer.AnalyzeAsync(store, Reference.Parse($"oci:{layout}:{tag}"), null, new AnalysisOptions { HashContent = hashContent },
            NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
    }
}
