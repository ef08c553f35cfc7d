using System;
using System.Buffers;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Layers;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Differential attacks on the two zstd decoders: a corpus of frames, cut and bit-flipped, read in large and in
/// tiny pieces from sources that give everything or one byte at a time; legacy (pre-1.0) frames; reads in every
/// odd state (count 0, after the end, after dispose, disposed from another thread during a read).
/// </summary>
public class ZstdDifferentialTests
{
    /// <summary>How a test reads: the size of its reads, and whether its source gives one byte at a time.</summary>
    public enum Reading
    {
        LargeReads,
        OneByteReads,
        OneByteSource,
    }

    [Theory]
    [InlineData(Reading.LargeReads)]
    [InlineData(Reading.OneByteReads)]
    [InlineData(Reading.OneByteSource)]
    public void BothDecodersGiveTheSameBytesOrTheSameErrorOnEveryFrameOfTheCorpus(Reading reading)
    {
        // On corrupt data the two may name different zstd errors (libzstd 1.5.4 and ZstdSharp's newer port stop
        // at different checks: "checksum wrong" where the other saw "corruption detected"); both are InvalidLayer.
        // Bytes, the bounds' errors and the refusal of unknown frames must agree exactly.
        ZstdDecoderTests.RequireNative();
        var differences = ZstdCorpus.All()
            .Select(item => (item.Name, Managed: Class(Outcome(ZstdDecoderKind.Managed, item.Blob, reading)), Native: Class(Outcome(ZstdDecoderKind.Native, item.Blob, reading))))
            .Where(item => item.Managed != item.Native)
            .Select(item => $"{item.Name}: managed {item.Managed}; native {item.Native}")
            .ToList();
        Assert.True(differences.Count == 0, $"{differences.Count} differences, first: " + string.Join("\n", differences.Take(40)));
    }

    [Fact]
    public void TheCorpusReachesEveryOutcomeItIsMeantTo()
    {
        // A corpus that only ever failed (or only passed) would make the differential test vacuous.
        var outcomes = ZstdCorpus.Bases().Select(item => (item.Name, Outcome: Outcome(ZstdDecoderKind.Managed, item.Blob, Reading.LargeReads))).ToDictionary(item => item.Name, item => item.Outcome);
        Assert.StartsWith("ok ", outcomes["zstdsharp-level3-checksum"]);
        Assert.Contains("windowTooLarge", outcomes["cli-long31-stdin"]);
        Assert.Contains("dictionary_wrong", outcomes["cli-dictionary"]);
        Assert.StartsWith("ok ", outcomes["raw-then-rle"]);
        Assert.StartsWith("ok ", outcomes["many-empty-frames"]);
        Assert.StartsWith("ok ", outcomes["skippable-first-and-between"]);
        Assert.DoesNotContain("ok ", outcomes["content-size-lies-huge"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AWindowOverTheLimitIsRefusedAlsoWhereTheFrameCouldBeDecodedInOnePass(bool native)
    {
        // 2 GiB window, 5 bytes of content: whole in the input and the caller's buffer, both decoders would take
        // their one-pass path, which skips the window check; the outcome must not depend on chunking.
        if (native)
        {
            ZstdDecoderTests.RequireNative();
        }

        var blob = ZstdCorpus.Bases().Single(item => item.Name == "window-2gib-content-5").Blob;
        foreach (var reading in new[] { Reading.LargeReads, Reading.OneByteSource })
        {
            Assert.Contains("windowTooLarge", Outcome(native ? ZstdDecoderKind.Native : ZstdDecoderKind.Managed, blob, reading));
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void LegacyFramesAreRefusedByBothDecodersAlsoAfterAGoodFrame(int version)
    {
        ZstdDecoderTests.RequireNative();
        foreach (var blob in new[] { ZstdLegacyFrames.Frame(version, ZstdCorpus.Text()), ZstdLegacyFrames.AfterAGoodFrame(version) })
        {
            foreach (var reading in new[] { Reading.LargeReads, Reading.OneByteSource })
            {
                var native = Outcome(ZstdDecoderKind.Native, blob, reading);
                Assert.Equal(Outcome(ZstdDecoderKind.Managed, blob, reading), native);
                Assert.Contains("prefix_unknown", native);
            }
        }
    }

    [Fact]
    public void ALegacyFrameBehindAFrameHeaderSplitAcrossTwoReadsIsRefused()
    {
        ZstdDecoderTests.RequireNative();
        var blob = ZstdLegacyFrames.BehindASplitHeader();
        var native = Outcome(ZstdDecoderKind.Native, blob, Reading.LargeReads);
        Assert.Equal(Outcome(ZstdDecoderKind.Managed, blob, Reading.LargeReads), native);
        Assert.Contains("frameParameter_unsupported", native);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsOfNothingAfterTheEndAndAfterDisposeBehaveAlike(bool native)
    {
        var kind = native ? ZstdDecoderKind.Native : ZstdDecoderKind.Managed;
        if (native)
        {
            ZstdDecoderTests.RequireNative();
        }

        var stream = ZstdDecoders.Open(new MemoryStream(ZstdCorpus.Frame(ZstdCorpus.Text())), kind, ZstdDecoders.WindowLogMax);
        var buffer = new byte[100];
        Assert.Equal(0, stream.Read(buffer, 0, 0));
        Assert.Equal(ZstdCorpus.Text(), ReadAll(stream, 4096));
        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length));
        stream.Dispose();
        stream.Dispose();
        Assert.Throws<ObjectDisposedException>(() => stream.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void ADisposeDuringAReadDoesNotHandTheReadersBufferToAnotherUser()
    {
        ZstdDecoderTests.RequireNative();

        // The source blocks inside the reader's first read of compressed bytes; another thread disposes the
        // reader meanwhile and then rents a buffer of the reader's input size, as any code on that thread may.
        var frame = ZstdCorpus.Frame(ZstdCorpus.Text());
        using var inRead = new ManualResetEventSlim();
        using var disposed = new ManualResetEventSlim();
        var source = new GatedStream(frame, inRead, disposed);
        var reader = ZstdDecoders.Open(source, ZstdDecoderKind.Native, ZstdDecoders.WindowLogMax);
        var reading = Task.Run(() =>
        {
            try
            {
                reader.Read(new byte[100], 0, 100);
            }
            catch (Exception)
            {
                // Reading a disposed reader may fail; what matters is whose memory it wrote.
            }
        });

        Assert.True(inRead.Wait(TimeSpan.FromSeconds(30)));
        reader.Dispose();
        var rented = ArrayPool<byte>.Shared.Rent(1 << 17);
        Array.Clear(rented, 0, rented.Length);
        disposed.Set();
        Assert.True(reading.Wait(TimeSpan.FromSeconds(30)));
        Assert.True(rented.All(b => b == 0), "the disposed reader wrote into a buffer another user had rented");
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>The output's SHA-256, or the exception's type, zstd error code and message.</summary>
    internal static string Outcome(ZstdDecoderKind kind, byte[] blob, Reading reading)
    {
        try
        {
            Stream source = reading == Reading.OneByteSource ? new OneByteStream(blob) : new MemoryStream(blob);
            using var stream = ZstdDecoders.Open(source, kind, ZstdDecoders.WindowLogMax);
            using var sha = SHA256.Create();
            return "ok " + BitConverter.ToString(sha.ComputeHash(ReadAll(stream, reading == Reading.OneByteReads ? 1 : 1 << 16)));
        }
        catch (ZstdSharp.ZstdException ex)
        {
            return $"ZstdException {ex.Code}: {ex.Message}";
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>An outcome as the layer readers report it: the bytes, or a bound's or frame's refusal, or corrupt.</summary>
    private static string Class(string outcome) =>
        outcome.StartsWith("ok ", StringComparison.Ordinal) || outcome.Contains("windowTooLarge") || outcome.Contains("prefix_unknown") || !outcome.StartsWith("ZstdException", StringComparison.Ordinal)
            ? outcome
            : "ZstdException (corrupt)";

    private static byte[] ReadAll(Stream stream, int readSize)
    {
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
            if (output.Length > 64 << 20)
            {
                throw new InvalidDataException("more than 64 MiB");
            }
        }

        return output.ToArray();
    }

    /// <summary>A source that gives at most one byte per read.</summary>
    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    }

    /// <summary>A source whose first read signals, waits for the reader's dispose, then fills the buffer it was given.</summary>
    private sealed class GatedStream(byte[] data, ManualResetEventSlim inRead, ManualResetEventSlim disposed) : MemoryStream(data)
    {
        private bool _gated;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_gated)
            {
                _gated = true;
                inRead.Set();
                disposed.Wait(TimeSpan.FromSeconds(30));
                for (var i = offset; i < offset + count; i++)
                {
                    buffer[i] = 0xAA;
                }

                return count;
            }

            return base.Read(buffer, offset, count);
        }
    }
}
