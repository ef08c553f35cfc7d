using System;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Desktop.Tests.Support;
using OciImage.Determinism;
using Xunit;

namespace OciImage.Desktop.Tests;

/// <summary>
/// Layer build and layer reading. The golden digests hold for the option set that reads nothing but names and
/// bytes from the file system: PreserveMode off (modes normalised to 0644/0755), the default owner, group and
/// timestamp, and a tree without symlinks or hard links; only the compression and level vary. File modes and
/// symlinks are read through libc on Unix and are not what Windows PowerShell has, so they are not compared here.
/// </summary>
public class DesktopLayerTests
{
    private static readonly Lazy<string> Fixture = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "ociimage-desktop-golden-" + Guid.NewGuid().ToString("N"));
        DeterminismCases.WriteFixture(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        return root;
    });

    [Fact]
    public void EveryGzipAndZstdLevelGivesTheGoldenDigestOfDotNet()
    {
        using var temp = new TempFolder();
        var cases = DeterminismCases.All().ToList();
        Assert.Equal(GoldenDigests.Table.Count, cases.Count);
        foreach (var (name, compression, level, encoder) in cases)
        {
            var line = DeterminismCases.Build(Fixture.Value, temp.Combine(name), compression, level, encoder);
            Assert.Equal($"{name}: {GoldenDigests.Table[name].Digest} {GoldenDigests.FixtureDiffId} {GoldenDigests.Table[name].Size}", $"{name}: {line}");
        }
    }

    [Fact]
    public void ParallelCompressionGivesTheSameDigest()
    {
        using var temp = new TempFolder();
        var line = DeterminismCases.Build(Fixture.Value, temp.Path, LayerCompression.Gzip, LayerCompressionLevel.Optimal, GzipEncoder.Portable, parallelism: 3);
        Assert.StartsWith(GoldenDigests.Table["gzip-portable-6"].Digest + " ", line);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.None)]
    public void ABuiltLayerReadsBackWithItsNamesSizesAndNormalisedModes(LayerCompression compression)
    {
        using var temp = new TempFolder();
        var layer = LayerBuilder.BuildIntoDirectory(Fixture.Value, new LayerBuildOptions { Compression = compression }, temp.Combine("out"), default);
        using var reader = new LayerReader(File.OpenRead(layer.BlobPath!), "the layer", System.Threading.CancellationToken.None);
        var items = reader.Items(CancellationToken.None).ToDictionary(i => i.Path);
        Assert.Equal(layer.FileCount, items.Values.Count(i => i.Type == EntryKind.File));
        Assert.Equal(1_100_000, items["usr/lib/deep/random.bin"].Size);
        Assert.Equal(0, items["etc/empty"].Size);
        Assert.Equal(Convert.ToInt32("644", 8), items["etc/one"].Mode & Convert.ToInt32("7777", 8));
        Assert.Equal(EntryKind.Directory, items["var/empty"].Type);
    }

    [Fact]
    public void ZstdLayersAreReadByTheManagedDecoderUnderMono()
    {
        // libzstd is for .NET on Linux; Mono (the Windows PowerShell stand-in) and .NET Framework read with ZstdSharp.
        Assert.Equal(ZstdDecoderKind.Managed, ZstdDecoders.Current);
        Assert.Matches("^the managed decoder \\(ZstdSharp; (Mono|not Linux)\\)$", ZstdDecoders.Description);
    }

    [Fact]
    public void ALayerThatIsNotATarIsAnOciErrorNotARuntimeOne()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("junk");
        File.WriteAllBytes(path, new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5 });
        var error = Assert.ThrowsAny<OciException>(() =>
        {
            using var reader = new LayerReader(File.OpenRead(path), "junk", System.Threading.CancellationToken.None);
            reader.Items(CancellationToken.None).ToList();
        });
        Assert.Equal("InvalidLayer", error.ErrorId);
    }
}
