using System;
using System.IO;
using System.IO.Compression;
using System.Threading;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The path-memory allowance charges what the trees keep, and the trees keep a node for every parent a tar does
/// not list (<see cref="ImpliedParentFlood"/>): a charge of a few bytes a level would let a layer of kilobytes
/// make the analysis hold gigabytes before the allowance is reached.
/// </summary>
public sealed class ImpliedParentChargeTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void TheParentsATarDoesNotListAreChargedForWhatTheyKeep()
    {
        // 40 files 2,500 directories deep: 100,000 parents in each tree. Measured as PathMemoryAllowanceTests
        // measures (this process's heap, so other tests can only make the measure larger).
        var (store, reference) = Compose("charged", ImpliedParentFlood.Gzip(40, 2_500));
        using (store)
        {
            var allowance = new PathMemoryAllowance(long.MaxValue);
            var before = GC.GetTotalMemory(forceFullCollection: true);
            var analysis = ImageAnalyzer.AnalyzeAsync(store, reference, null, new AnalysisOptions { PathMemory = allowance }, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult();
            var kept = GC.GetTotalMemory(forceFullCollection: true) - before;
            var charged = long.MaxValue - allowance.Left;
            Assert.Equal(40, analysis.FileSystem.FileCount);
            Assert.True(kept <= charged, $"the analysis kept {kept:N0} bytes for 40 paths 2,500 deep, the allowance charged {charged:N0}");
            GC.KeepAlive(analysis);
        }
    }

    [Fact]
    public void AFloodOfUnlistedParentsStopsAtTheAllowance()
    {
        var blob = ImpliedParentFlood.Gzip(100, 2_500);
        Assert.True(blob.Length < 200_000, $"the flood should take a few kilobytes, took {blob.Length}");
        var (store, reference) = Compose("flood", blob);
        using (store)
        {
            // 250,000 tree nodes in about 3 MB of paths: well over 16 MiB once each node is counted.
            var error = Assert.Throws<AnalysisLimitException>(() => ImageAnalyzer.AnalyzeAsync(store, reference, null,
                new AnalysisOptions { PathMemory = new PathMemoryAllowance(16L << 20) }, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult());
            Assert.Equal("AnalysisLimitExceeded", error.ErrorId);
        }
    }

    private (OciLayoutStore Store, Reference Reference) Compose(string name, byte[] gzip)
    {
        var layout = _temp.Combine(name);
        TestImages.Layer layer;
        using (var put = OciLayoutStore.OpenOrCreate(layout))
        {
            var blob = TestImages.PutBlob(put, gzip, MediaTypes.OciLayerGzip);
            using var tar = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
            layer = new TestImages.Layer(blob.Digest.ToString(), Digest.Compute(tar).Digest.ToString(), blob.Size, blob.MediaType);
        }

        TestImages.Compose(layout, name, new[] { layer });
        return (OciLayoutStore.Open(layout), Reference.Parse($"oci:{layout}:{name}"));
    }
}
