using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core.Analysis;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The one path tree under dive's figures, the merged file system, the comparison and the unpacker: no walk
/// recurses on a depth the layer sets, work grows linearly with entries (counted in steps, not timed), and hard
/// links hold the bytes they name.
/// </summary>
public sealed class PathTreeTests : IDisposable
{
    private readonly TempDirectory _temp = new("pathtree");
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public PathTreeTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void APath50000DirectoriesDeepIsMeasuredMergedAndCompared()
    {
        var layout = _temp.Combine("layout");
        var size = DeepPathLayer.ComposeImages(layout);
        Assert.True(size < 1024, $"the hostile layer is {size} bytes");

        // On a 1 MiB stack, Windows' default for a thread: recursion once per directory would overflow it.
        ImageAnalysis deep = null!, gone = null!;
        IReadOnlyList<FileDifference> differences = null!;
        OnSmallStack(() =>
        {
            deep = Analyse(layout, "deep");
            gone = Analyse(layout, "deep-gone");
            differences = ImageComparer.CompareFiles(deep.FileSystem.Entries(), gone.FileSystem.Entries(), null);
        });

        // dive: the file (4 bytes) once; the whiteout of /d counts what was under it (4) once more, in another path.
        Assert.Equal(1.0, deep.Efficiency);
        Assert.Equal(4, deep.UncompressedSize);
        var file = "/" + DeepPathLayer.FilePath();
        Assert.Equal(new[] { "/d", file }, deep.FileSystem.Entries().Select(e => e.Path));
        Assert.Equal(new[] { "/g" }, gone.FileSystem.Entries().Select(e => e.Path));
        Assert.Equal((1, 4L), (gone.Layers[1].Changes.FilesRemoved, gone.Layers[1].Changes.BytesRemoved));
        Assert.Equal(1.0, gone.Efficiency);

        Assert.Equal(new[] { "/d Removed", file + " Removed", "/g Added" }, differences.Select(d => d.Path + " " + d.Change));
    }

    [Fact]
    public void BuildingTheTreesCostsTheDepthOfAPathNotItsSquare()
    {
        // A deep file, its top deleted, and the deep file again: dive stacks it over itself, the merged tree removes it.
        long Work(int depth)
        {
            var tar = DeepPathLayer.Tar(depth);
            return Steps(tar, DeepPathLayer.WhiteoutOfTop(), tar);
        }

        var (small, large) = (Work(2000), Work(8000));
        var ratio = (double)large / small;
        _output.WriteLine($"steps at depth 2000: {small}, at 8000: {large}, ratio {ratio:F2} (linear 4, quadratic 16)");
        Assert.InRange(ratio, 3.0, 5.0);
    }

    [Fact]
    public void OpaqueMarkersAndWhiteoutsCostLinearlyInTheMergedTree()
    {
        long Work(int count) => Steps(OpaqueMarkerFlood.Layers(count).ToArray());

        var (small, large) = (Work(250), Work(1000));
        var ratio = (double)large / small;

        // The markers' share of the work: layers of the same files without them cost nearly as much.
        var plain = Steps(OpaqueMarkerFlood.Layers(1000)[0], OpaqueMarkerFlood.Layers(1000)[0]);
        _output.WriteLine($"steps at 250 entries: {small}, at 1000: {large}, ratio {ratio:F2} (linear 4, quadratic 16); without markers {plain}, share {(double)large / plain:F2}");
        Assert.InRange(ratio, 3.0, 5.0);
        Assert.InRange((double)large / plain, 0.5, 3.0);
    }

    [Fact]
    public void OpaqueMarkersCostLinearlyWhenExpanded()
    {
        long Work(int count)
        {
            var root = _temp.Combine("expand" + count);
            Directory.CreateDirectory(root);
            var extractor = new LayerExtractor(root, long.MaxValue, NullEngineLog.Instance);
            foreach (var tar in OpaqueMarkerFlood.Layers(count))
            {
                using var reader = new LayerReader(new MemoryStream(tar), "layer", System.Threading.CancellationToken.None);
                extractor.Apply(reader, CancellationToken.None);
            }

            extractor.Finish();

            // What the markers leave: each s/N/ holds its new file only, o/ its rewritten files.
            Assert.Equal(new[] { "new" }, Directory.GetFileSystemEntries(Path.Combine(root, "s", "7")).Select(Path.GetFileName));
            Assert.Equal(count, Directory.GetFiles(Path.Combine(root, "o")).Length);
            Assert.Equal(2, new FileInfo(Path.Combine(root, "o", "3")).Length);
            return extractor.OpaqueVisits;
        }

        var (small, large) = (Work(100), Work(400));
        var ratio = (double)large / small;
        _output.WriteLine($"opaque steps at 100 entries: {small}, at 400: {large}, ratio {ratio:F2} (linear 4, quadratic 16)");
        Assert.InRange(ratio, 3.0, 5.0);
    }

    [Fact]
    public void AFileRewrittenAndItsHardLinkReMadeAreBothModified()
    {
        var layout = _temp.Combine("hh");
        var base0 = TestImages.AddTarLayer(layout, new HostileTar().File("hh1", "one").HardLink("hh2", "hh1").File("other", "x").ToArray());
        TestImages.Compose(layout, "a", new[] { base0 });
        TestImages.Compose(layout, "b", new[] { base0, TestImages.AddTarLayer(layout, new HostileTar().File("hh1", "two!").HardLink("hh2", "hh1").ToArray()) });
        TestImages.Compose(layout, "c", new[] { base0, TestImages.AddTarLayer(layout, new HostileTar().File("hh1", "one").HardLink("hh2", "other").ToArray()) });

        var a = Analyse(layout, "a", hash: true);
        var b = Analyse(layout, "b", hash: true);
        Assert.Equal(new[] { "/hh1 Modified", "/hh2 Modified" },
            ImageComparer.CompareFiles(a.FileSystem.Entries(), b.FileSystem.Entries(), null).Select(d => d.Path + " " + d.Change));

        // Same bytes again is no change; a link to other bytes is Modified and LinkChanged.
        var c = Analyse(layout, "c", hash: true);
        var changed = Assert.Single(ImageComparer.CompareFiles(a.FileSystem.Entries(), c.FileSystem.Entries(), null));
        Assert.Equal("/hh2 Modified,LinkChanged", changed.Path + " " + string.Join(",", changed.Changes));
    }

    [Fact]
    public void AHardLinkWhoseTargetALaterLayerReplacedOrDeletedIsAFileWithTheOldContent()
    {
        var layout = _temp.Combine("broken");
        var base0 = TestImages.AddTarLayer(layout, new HostileTar().Directory("data/").File("data/h1", 100, 'a', mode: 0x1C0).HardLink("data/h2", "data/h1")
            .File("data/k1", 7).HardLink("data/k2", "data/k1").ToArray());
        TestImages.Compose(layout, "base", new[] { base0 });
        TestImages.Compose(layout, "replaced", new[] { base0, TestImages.AddTarLayer(layout, new HostileTar().File("data/h1", 5, 'b').Whiteout("data/k1").ToArray()) });

        var before = Analyse(layout, "base", hash: true).FileSystem.Entries().ToDictionary(e => e.Path);
        var after = Analyse(layout, "replaced", hash: true).FileSystem.Entries().ToDictionary(e => e.Path);

        // Intact: a hard link with its target.
        Assert.Equal((EntryKind.HardLink, "data/h1", 0L), (before["/data/h2"].Entry.Kind, before["/data/h2"].Entry.LinkTarget, before["/data/h2"].Entry.Size));

        // Broken: a file of its own, with what h1 held (size, digest, mode) before layer 1 replaced it.
        var h2 = after["/data/h2"];
        Assert.Equal((EntryKind.File, (string?)null, 100L, 0x1C0, 0), (h2.Entry.Kind, h2.Entry.LinkTarget, h2.Entry.Size, h2.Entry.Mode, h2.LayerIndex));
        Assert.Equal(before["/data/h1"].Entry.ContentDigest, h2.Entry.ContentDigest);
        Assert.Equal((EntryKind.File, 7L), (after["/data/k2"].Entry.Kind, after["/data/k2"].Entry.Size));
        Assert.False(after.ContainsKey("/data/k1"));

        // What changed is h1 and k1: h2 and k2 hold what they held.
        Assert.Equal(new[] { "/data/h1 Modified", "/data/k1 Removed" },
            ImageComparer.CompareFiles(before.Values, after.Values, null).Select(d => d.Path + " " + d.Change));
    }

    [Fact]
    public void AHardLinkToAHardLinkHoldsTheFirstFilesBytes()
    {
        var layout = _temp.Combine("chain");
        TestImages.Compose(layout, "chain", new[]
        {
            TestImages.AddTarLayer(layout, new HostileTar().File("f", 9).HardLink("l1", "f").HardLink("l2", "./l1").HardLink("dangling", "nothing").ToArray()),
            TestImages.AddTarLayer(layout, new HostileTar().File("l1", 3).ToArray()),
        });

        var merged = Analyse(layout, "chain").FileSystem.Entries().ToDictionary(e => e.Path);
        Assert.Equal((EntryKind.File, 9L), (merged["/l2"].Entry.Kind, merged["/l2"].Entry.Size));
        Assert.Same(merged["/f"].Content, merged["/l2"].Content);
        Assert.Equal((EntryKind.HardLink, (LayerEntry?)null), (merged["/dangling"].Entry.Kind, merged["/dangling"].Content));
    }

    private static void OnSmallStack(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, 1 << 20);
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private static long Steps(params byte[][] layers)
    {
        var efficiency = new DiveEfficiency();
        var merged = new MergedFileSystem();
        foreach (var (tar, i) in layers.Select((t, i) => (t, i)))
        {
            var descriptor = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(tar), Size = tar.Length };
            var layer = LayerScanner.Scan(new MemoryStream(tar), i, descriptor, false, "layer " + i, CancellationToken.None);
            efficiency.Add(layer);
            merged.Apply(layer);
        }

        _ = merged.Entries().Count();
        return efficiency.Steps + merged.Steps;
    }

    private static ImageAnalysis Analyse(string layout, string tag, bool hash = false)
    {
        using var store = OciLayoutStore.Open(layout);
        return ImageAnalyzer.AnalyzeAsync(store, Reference.Parse($"oci:{layout}:{tag}"), null, new AnalysisOptions { HashContent = hash },
            NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
    }
}
