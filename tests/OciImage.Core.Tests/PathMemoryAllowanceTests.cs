using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The analysis keeps every path it reads, and a layer of empty entries compresses to a few bytes a path
/// (<see cref="EmptyEntryFlood"/>): the memory those paths take is bounded by an allowance shared by the layers of
/// one operation, so a small hostile layer ends in AnalysisLimitExceeded rather than in a host killed for memory.
/// </summary>
public sealed class PathMemoryAllowanceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AFloodOfEmptyEntriesStopsAtTheAllowance()
    {
        var blob = EmptyEntryFlood.Gzip(200_000);
        Assert.True(blob.Length < 200_000 * 10, $"the flood should take under 10 bytes an entry, took {blob.Length}");
        var layer = Describe(blob);

        var allowance = new PathMemoryAllowance(16L << 20);
        var error = Assert.Throws<AnalysisLimitException>(() => LayerScanner.Scan(new MemoryStream(blob), 0, layer, hashContent: false, "layer 0", CancellationToken.None, allowance));
        Assert.Equal("AnalysisLimitExceeded", error.ErrorId);
        Assert.Equal(OciErrorKind.LimitsExceeded, error.Kind);
        Assert.Contains("layer 0", error.Message);
        Assert.Contains(PathMemoryAllowance.EnvironmentVariable, error.Message);

        // Stopped at the allowance, long before the end of the layer: about 16 MiB over the cost of a path.
        var expected = (16L << 20) / PathMemoryAllowance.CostOf(new LayerEntry("f/1869f", "f/1869f", EntryKind.File, 0, 0x1A4, 0, 0, null, default, null));
        Assert.InRange(error.Paths, expected * 9 / 10, expected * 11 / 10);

        // The same layer under an allowance that holds it is read whole.
        var whole = LayerScanner.Scan(new MemoryStream(blob), 0, layer, hashContent: false, "layer 0", CancellationToken.None, new PathMemoryAllowance(1L << 30));
        Assert.Equal(200_001, whole.Entries.Count);
    }

    [Fact]
    public void TheLayersOfOneAnalysisShareOneAllowance()
    {
        // Two layers of 20,000 paths; the allowance holds 30,000: either alone fits, the image does not.
        var layout = _temp.Combine("layout");
        var layers = new[] { AddGzipLayer(layout, EmptyEntryFlood.Gzip(20_000)), AddGzipLayer(layout, EmptyEntryFlood.Gzip(20_000)) };
        TestImages.Compose(layout, "flood", layers);
        var cost = PathMemoryAllowance.CostOf(new LayerEntry("f/4e1f", "f/4e1f", EntryKind.File, 0, 0x1A4, 0, 0, null, default, null));
        using var store = OciLayoutStore.Open(layout);
        var reference = Reference.Parse($"oci:{layout}:flood");

        var error = Assert.Throws<AnalysisLimitException>(() => ImageAnalyzer.AnalyzeAsync(store, reference, null,
            new AnalysisOptions { PathMemory = new PathMemoryAllowance(30_000 * cost) }, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult());
        Assert.InRange(error.Paths, 29_000, 31_000);

        var analysis = ImageAnalyzer.AnalyzeAsync(store, reference, null, new AnalysisOptions { PathMemory = new PathMemoryAllowance(50_000 * cost) },
            NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(20_000, analysis.FileSystem.FileCount);
        Assert.Equal(20_000, analysis.Inefficiencies.Count);
    }

    [Fact]
    public void TheDefaultIsHalfTheMemoryTheProcessMayUse()
    {
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.True(available > 0);
        if (long.TryParse(Environment.GetEnvironmentVariable(PathMemoryAllowance.EnvironmentVariable), out var set) && set > 0)
        {
            // Set where this runs: the variable's figure, whatever the machine.
            Assert.Equal(set, PathMemoryAllowance.ForThisProcess().Limit);
            return;
        }

        Assert.Equal(Math.Max(256L << 20, available / 2), PathMemoryAllowance.ForThisProcess().Limit);
    }

    [Fact]
    public void AnExpansionIsChargedForThePathsItKeeps()
    {
        // Expand-OciImage keeps a tree of the paths each layer wrote and the directories' metadata: a flood of empty
        // entries under an allowance of 2 MiB stops early (and its size limit alone would have let it run).
        var root = _temp.Combine("expanded");
        Directory.CreateDirectory(root);
        var extractor = new LayerExtractor(root, long.MaxValue, NullEngineLog.Instance, pathMemory: new PathMemoryAllowance(2L << 20));
        using var reader = new LayerReader(new MemoryStream(EmptyEntryFlood.Gzip(20_000)), "layer 0", CancellationToken.None);
        var error = Assert.Throws<AnalysisLimitException>(() => extractor.Apply(reader, CancellationToken.None));
        Assert.Contains("layer 0", error.Message);
        Assert.InRange(Directory.GetFiles(Path.Combine(root, "f")).Length, 1, 10_000);
    }

    [Fact]
    public void AValueThatIsNotAWholeNumberOfBytesIsSaidOnceAndTheDefaultApplies()
    {
        Assert.Equal(123, PathMemoryAllowance.Parse(" 123 "));
        foreach (var wrong in new[] { "16G", "-5", "0", "0x10", "+5", "1e9", "99999999999999999999" })
        {
            Assert.Null(PathMemoryAllowance.Parse(wrong));
        }

        // An invalid value only ever gives the default, so other tests running at once are not affected by it.
        var before = Environment.GetEnvironmentVariable(PathMemoryAllowance.EnvironmentVariable);
        Environment.SetEnvironmentVariable(PathMemoryAllowance.EnvironmentVariable, "16G");
        try
        {
            var allowance = PathMemoryAllowance.ForThisProcess();
            Assert.Equal("16G", allowance.Ignored);
            Assert.Equal(Math.Max(256L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2), allowance.Limit);
            var log = new RecordingLog();
            allowance.WarnIfIgnored(log);
            allowance.WarnIfIgnored(log);
            var warning = Assert.Single(log.Messages);
            Assert.Contains("'16G' is not a whole number of bytes", warning);
            Assert.Contains("16GB", warning);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PathMemoryAllowance.EnvironmentVariable, before);
        }
    }

    [Fact]
    public void AnEntryCostsAtLeastWhatAnAnalysisKeepsOfIt()
    {
        // The estimate must not undercount: the heap an analysis holds after reading 100,000 paths (its result
        // alive) is at most what the allowance charged for them. Measured on this process's heap, so other tests
        // running at once can only make the measure larger (a failure here is worth a second look, not a pass).
        var layout = _temp.Combine("measured");
        TestImages.Compose(layout, "m", new[] { AddGzipLayer(layout, EmptyEntryFlood.Gzip(100_000)) });
        using var store = OciLayoutStore.Open(layout);
        var reference = Reference.Parse($"oci:{layout}:m");
        var allowance = new PathMemoryAllowance(long.MaxValue);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var analysis = ImageAnalyzer.AnalyzeAsync(store, reference, null, new AnalysisOptions { PathMemory = allowance }, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
        var kept = GC.GetTotalMemory(forceFullCollection: true) - before;
        var charged = long.MaxValue - allowance.Left;
        Assert.Equal(100_000, analysis.FileSystem.FileCount);
        Assert.True(kept <= charged, $"the analysis kept {kept:N0} bytes for 100,001 paths, the allowance charged {charged:N0}");
        GC.KeepAlive(analysis);
    }

    [Fact]
    public void AnItemIsChargedItsExtendedAttributes()
    {
        // A PAX header of 512 KiB of attributes compresses to almost nothing and may come with every entry: a list
        // of items held until the digest is checked is charged for them, not only for the names.
        var value = new byte[512 * 1024];
        var tar = new RawTar().Pax('x', ("SCHILY.xattr.user.big", new string((char)0x61, value.Length)))
            .Header("f", '0').End().ToArray();
        using var reader = new LayerReader(new MemoryStream(tar), "layer 0", CancellationToken.None);
        var item = reader.Items(CancellationToken.None).Single();
        Assert.Equal(value.Length, item.Xattrs["user.big"].Length);
        Assert.True(PathMemoryAllowance.CostOf(item) > value.Length, $"an item with {value.Length} bytes of attributes was charged {PathMemoryAllowance.CostOf(item)}");

        var allowance = new PathMemoryAllowance(100 * value.Length);
        var charged = 0;
        Assert.Throws<AnalysisLimitException>(() =>
        {
            for (; charged < 1000; charged++)
            {
                allowance.Charge(PathMemoryAllowance.CostOf(item), "layer 0");
            }
        });
        Assert.InRange(charged, 90, 100);
    }

    private static Descriptor Describe(byte[] blob) =>
        new() { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute(new MemoryStream(blob)).Digest, Size = blob.Length };

    private static TestImages.Layer AddGzipLayer(string layout, byte[] gzip)
    {
        using var store = OciLayoutStore.OpenOrCreate(layout);
        var blob = TestImages.PutBlob(store, gzip, MediaTypes.OciLayerGzip);
        using var tar = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        var diffId = Digest.Compute(tar).Digest;
        return new TestImages.Layer(blob.Digest.ToString(), diffId.ToString(), blob.Size, blob.MediaType);
    }
}
