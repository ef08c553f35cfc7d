using System.IO;
using System.Threading;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Analysis and validation read a bounded share of a layer (red-team finding: a 4 MiB zstd layer of 128 GiB kept Test -Deep busy for minutes).</summary>
public class DecompressionBudgetTests
{
    [Fact]
    public void TheBudgetIsARatioOfTheCompressedSizeWithAFloor()
    {
        Assert.Equal(DecompressionBudget.Floor, new DecompressionBudget(1000, "l").Limit);
        Assert.Equal(100L * 64 * 1024 * 1024, new DecompressionBudget(64L * 1024 * 1024, "l").Limit);
        Assert.Equal(long.MaxValue, new DecompressionBudget(long.MaxValue / 2, "l").Limit);
        var budget = new DecompressionBudget(10, "layer x");
        budget.Count(DecompressionBudget.Floor);
        var error = Assert.Throws<DecompressionLimitException>(() => budget.Count(1));
        Assert.Equal("DecompressionLimitExceeded", error.ErrorId);
    }

    [Fact]
    public void HashingAFileLargerThanTheBudgetStopsBeforeReadingIt()
    {
        // A tiny layer whose one file says it holds 2 GiB: scanning with hashes refuses it by its declared size.
        var tar = new RawTar().Header("huge", '0', size: 2L << 30).Data(new byte[4096], pad: false).ToArray();
        var layer = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(new MemoryStream(tar)).Digest, Size = tar.Length };
        var error = Assert.Throws<DecompressionLimitException>(() => LayerScanner.Scan(new MemoryStream(tar), 0, layer, hashContent: true, "layer 0", CancellationToken.None));
        Assert.Contains("decompresses to more than", error.Message);

        // Without hashes (listing), the entry is listed, then the short tar is what is wrong.
        Assert.Throws<InvalidLayerException>(() => LayerScanner.Scan(new MemoryStream(tar), 0, layer, hashContent: false, "layer 0", CancellationToken.None));
    }
}
