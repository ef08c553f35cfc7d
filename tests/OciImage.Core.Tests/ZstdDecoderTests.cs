using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The system's libzstd and ZstdSharp read zstd layers alike: the same bytes from every good stream, the same
/// refusal (ErrorId, kind, message) of every hostile one, under the same window limit and decompression budget.
/// </summary>
public class ZstdDecoderTests
{
    public static IEnumerable<object[]> Fixtures() => ZstdFrames.All().Select(fixture => new object[] { fixture.Name });

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EveryHostileZstdFixtureHasTheSameOutcomeThroughBothDecoders(string name)
    {
        RequireNative();
        var (_, expected, blob) = ZstdFrames.All().Single(fixture => fixture.Name == name);
        var tarDigest = Digest.Compute(new MemoryStream(ZstdFrames.Tar())).Digest;

        foreach (var outcome in new Func<ZstdDecoderKind, byte[], string>[] { Decoded, Scanned, Checked })
        {
            var managed = outcome(ZstdDecoderKind.Managed, blob);
            var native = outcome(ZstdDecoderKind.Native, blob);
            Assert.Equal(managed, native);
        }

        // And the outcome is the one a bounded reader must give, not merely a shared one.
        var result = Checked(ZstdDecoderKind.Native, blob);
        Assert.StartsWith(expected == "ok" ? "ok " + tarDigest : expected + " ", result);
    }

    [Fact]
    public void BothDecodersRefuseAWindowOverTheLimitTheyAreGiven()
    {
        RequireNative();
        foreach (var kind in new[] { ZstdDecoderKind.Managed, ZstdDecoderKind.Native })
        {
            using (var fits = ZstdDecoders.Open(new MemoryStream(ZstdFrames.WindowOf(20)), kind, windowLogMax: 20))
            {
                Assert.Equal(ZstdFrames.Tar(), ReadAll(fits));
            }

            using var over = ZstdDecoders.Open(new MemoryStream(ZstdFrames.WindowOf(21)), kind, windowLogMax: 20);
            var error = Assert.Throws<ZstdSharp.ZstdException>(() => ReadAll(over));
            Assert.Equal(ZstdSharp.Unsafe.ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge, error.Code);
        }
    }

    [Fact]
    public void TheSystemLibzstdIsTheDecoderWhereItIsPresent()
    {
        if (Environment.GetEnvironmentVariable(ZstdDecoders.EnvironmentVariable) is not null || !File.Exists("/usr/lib/x86_64-linux-gnu/libzstd.so.1"))
        {
            return;
        }

        Assert.Equal(ZstdDecoderKind.Native, ZstdDecoders.Current);
        Assert.Matches(@"^libzstd 1\.\d+\.\d+ \(/(usr/)?lib/x86_64-linux-gnu/libzstd\.so\.1\)$", ZstdDecoders.Description);
        using (ZstdDecoders.Use(ZstdDecoderKind.Managed))
        {
            Assert.Equal(ZstdDecoderKind.Managed, ZstdDecoders.Current);
        }
    }

    [Fact]
    public void EncodingStaysManagedSoLayerBytesDoNotDependOnTheMachine()
    {
        // The decoder choice reaches no encoder: the same tar compresses to the same bytes with either decoder active.
        byte[] Encode()
        {
            using var compressor = new ZstdSharp.Compressor(3);
            return compressor.Wrap(ZstdFrames.Tar()).ToArray();
        }

        using (ZstdDecoders.Use(ZstdDecoderKind.Managed))
        {
            var managed = Encode();
            using (ZstdDecoders.Use(ZstdDecoderKind.Native))
            {
                Assert.Equal(managed, Encode());
            }
        }
    }

    internal static void RequireNative()
    {
        if (!ZstdDecoders.NativeAvailable)
        {
            Assert.Fail("no libzstd: " + ZstdDecoders.Description);
        }
    }

    /// <summary>The decoder alone, through the decompression budget: the bytes' digest, or what was thrown.</summary>
    private static string Decoded(ZstdDecoderKind kind, byte[] blob) => Outcome(() =>
    {
        var budget = new DecompressionBudget(blob.Length, "layer");
        using var stream = budget.Wrap(ZstdDecoders.Open(new MemoryStream(blob), kind, ZstdDecoders.WindowLogMax));
        return Digest.Compute(stream).Digest.ToString();
    });

    /// <summary>Measure-OciImage's read (entries, content hashed under the budget).</summary>
    private static string Scanned(ZstdDecoderKind kind, byte[] blob) => Outcome(() =>
    {
        using var use = ZstdDecoders.Use(kind);
        var layer = new Descriptor { MediaType = MediaTypes.OciLayerZstd, Digest = Digest.Compute(new MemoryStream(blob)).Digest, Size = blob.Length };
        var scanned = LayerScanner.Scan(new MemoryStream(blob), 0, layer, hashContent: true, "layer 0", CancellationToken.None);
        return string.Join(",", scanned.Entries.Select(entry => entry.Path + "=" + entry.ContentDigest));
    });

    /// <summary>Test-OciImage -Deep's read (every byte to the end, hashed for the DiffID, under the budget).</summary>
    private static string Checked(ZstdDecoderKind kind, byte[] blob) => Outcome(() =>
    {
        using var use = ZstdDecoders.Use(kind);
        return LayerTarCheck.Read(new MemoryStream(blob), blob.Length, "layer 0", CancellationToken.None).ToString();
    });

    private static string Outcome(Func<string> read)
    {
        try
        {
            return "ok " + read();
        }
        catch (OciException ex)
        {
            return $"{ex.ErrorId} {ex.Kind}: {ex.Message}";
        }
        catch (Exception ex) when (LayerReader.IsCorruption(ex))
        {
            // What the validator reports as a layer that "cannot be read as a tar".
            return $"InvalidLayer {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
