using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Layers.Deflate;
using OciImage.Determinism;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The portable deflate encoder: everything it writes must inflate, with the BCL's inflater and with gzip -t, to
/// the bytes it was given, at every level, for ordinary, random and adversarial inputs.
/// </summary>
public class DeflateEncoderTests
{
    private static readonly int[] AllLevels = Enumerable.Range(DeflateEncoder.MinLevel, DeflateEncoder.MaxLevel).ToArray();

    public static IEnumerable<object[]> Adversarial()
    {
        var rng = new DeterminismCases.SplitMix(18);
        byte[] Random(int n)
        {
            var b = new byte[n];
            rng.Fill(b);
            return b;
        }

        byte[] Periodic(int n, int period)
        {
            var unit = Random(period);
            return Enumerable.Range(0, n).Select(i => unit[i % period]).ToArray();
        }

        yield return new object[] { "empty", Array.Empty<byte>() };
        yield return new object[] { "one byte", new byte[] { 7 } };
        for (var n = 2; n <= 9; n++)
        {
            yield return new object[] { $"{n} equal bytes", Enumerable.Repeat((byte)'a', n).ToArray() };
        }

        yield return new object[] { "zeros, a whole chunk", new byte[ParallelCompressingStream.ChunkSize] };
        yield return new object[] { "random, a whole chunk", Random(ParallelCompressingStream.ChunkSize) };
        yield return new object[] { "random, one block of symbols exactly", Random(16384) };
        yield return new object[] { "random, one block of symbols and one byte", Random(16385) };
        yield return new object[] { "random, one stored block exactly", Random(65535) };
        yield return new object[] { "random, one stored block and one byte", Random(65536) };
        foreach (var period in new[] { 1, 2, 3, 4, 5, 257, 258, 259, 32767, 32768, 32769 })
        {
            yield return new object[] { $"period {period}", Periodic(200_000, period) };
        }

        var runs = new List<byte>();
        while (runs.Count < 300_000)
        {
            runs.AddRange(Enumerable.Repeat((byte)rng.Next(3), 1 + rng.Next(rng.Next(2) == 0 ? 5 : 600)));
        }

        yield return new object[] { "runs of every length", runs.ToArray() };
        var text = new StringBuilder();
        while (text.Length < 500_000)
        {
            text.Append("layer ").Append(rng.Next(5000)).Append(rng.Next(7) == 0 ? '\n' : ' ');
        }

        yield return new object[] { "text", Encoding.ASCII.GetBytes(text.ToString()) };
        var mixed = new List<byte>();
        while (mixed.Count < 1_000_000)
        {
            mixed.AddRange(rng.Next(2) == 0 ? Random(1 + rng.Next(3000)) : new byte[1 + rng.Next(3000)]);
        }

        yield return new object[] { "incompressible and zero stretches", mixed.ToArray() };
    }

    [Theory]
    [MemberData(nameof(Adversarial))]
    public void EveryLevelRoundTripsThroughTheRuntimesInflater(string name, byte[] input)
    {
        foreach (var level in AllLevels)
        {
            var compressed = Deflate(input, level);
            Assert.True(input.SequenceEqual(Inflate(compressed)), $"{name} at level {level} did not round-trip");
            Assert.True(compressed.Length <= DeflateEncoder.MaxOutput(input.Length));
        }
    }

    [Fact]
    public void FuzzedInputsRoundTripAndCompressTheSameTwice()
    {
        var rng = new DeterminismCases.SplitMix(0xF022);
        var encoder = new DeflateEncoder();
        for (var round = 0; round < 150; round++)
        {
            var input = FuzzInput(rng, rng.Next(4) == 0 ? rng.Next(64) : rng.Next(400_000));
            var level = 1 + rng.Next(9);
            var output = new byte[DeflateEncoder.MaxOutput(input.Length)];
            var written = encoder.Compress(input, input.Length, output, 0, level);
            var again = Deflate(input, level);
            Assert.True(again.SequenceEqual(output.Take(written)), $"round {round}: a fresh encoder wrote other bytes than a reused one");
            Assert.True(input.SequenceEqual(Inflate(again)), $"round {round} (level {level}, {input.Length} bytes) did not round-trip");
        }
    }

    [Fact]
    public void LengthsThatAreNotTheWholeBufferCompressOnlyThatMany()
    {
        var buffer = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcdefgh", 1000)));
        var output = new byte[DeflateEncoder.MaxOutput(buffer.Length)];
        var written = new DeflateEncoder().Compress(buffer, 100, output, 0, 6);
        Assert.Equal(buffer.Take(100), Inflate(output.Take(written).ToArray()));
    }

    [Fact]
    public void ALevelOutOfRangeOrATooSmallBufferIsRefused()
    {
        var encoder = new DeflateEncoder();
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Compress(new byte[10], 10, new byte[1000], 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Compress(new byte[10], 10, new byte[1000], 0, 10));
        Assert.Throws<ArgumentException>(() => encoder.Compress(new byte[10], 10, new byte[20], 0, 6));
    }

    [ToolFact("gzip")]
    public void GzipAcceptsMultiMemberLayersOfTheAdversarialInputs()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("all.gz");
        var expected = new MemoryStream();
        using (var file = File.Create(path))
        {
            foreach (var data in Adversarial().Select(row => (byte[])row[1]))
            {
                foreach (var level in new[] { 1, 4, 6, 9 })
                {
                    var output = new byte[ChunkCompressor.OutputCapacity(data.Length)];
                    var n = ChunkCompressor.Compress(LayerCompression.Gzip, LayerCompressionLevel.Of(level), GzipEncoder.Portable, data, data.Length, output);
                    file.Write(output, 0, n);
                    expected.Write(data, 0, data.Length);
                }
            }
        }

        ExternalTool.Run("gzip", "-t", path);
        var inflated = ExternalTool.Run("sh", "-c", $"gzip -dc '{path}' | sha256sum").Split(' ')[0];
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(expected.ToArray())).ToLowerInvariant(), inflated);
    }

    [Fact]
    public void NamedLevelsMapAsDocumentedAndOthersAreRefused()
    {
        Assert.Equal(6, LayerCompressionLevel.Parse("optimal").PortableDeflateLevel);
        Assert.Equal(6, LayerCompressionLevel.Parse(null).PortableDeflateLevel);
        Assert.Equal(1, LayerCompressionLevel.Parse("Fastest").PortableDeflateLevel);
        Assert.Equal(9, LayerCompressionLevel.Parse("SMALLESTSIZE").PortableDeflateLevel);
        Assert.Equal(4, LayerCompressionLevel.Parse("4").PortableDeflateLevel);
        Assert.Equal(3, LayerCompressionLevel.Optimal.ZstdLevel);
        Assert.Equal(19, LayerCompressionLevel.SmallestSize.ZstdLevel);
        Assert.Equal(CompressionLevel.SmallestSize, LayerCompressionLevel.SmallestSize.RuntimeDeflateLevel);
        Assert.Equal(CompressionLevel.Fastest, LayerCompressionLevel.Of(1).RuntimeDeflateLevel);
        foreach (var bad in new[] { "0", "10", "-1", "fast", "6.0", "best" })
        {
            Assert.Equal("UnknownCompressionLevel", Assert.Throws<UnknownCompressionLevelException>(() => LayerCompressionLevel.Parse(bad)).ErrorId);
        }

        Assert.Equal(OciErrorKind.InvalidArgument, Assert.Throws<UnknownCompressionLevelException>(() => LayerCompressionLevel.Of(3).RuntimeDeflateLevel).Kind);
    }

    private static byte[] FuzzInput(DeterminismCases.SplitMix rng, int length)
    {
        var data = new byte[length];
        var i = 0;
        while (i < length)
        {
            var n = Math.Min(length - i, 1 + rng.Next(rng.Next(3) == 0 ? 5000 : 300));
            switch (rng.Next(5))
            {
                case 0: // random bytes
                    for (var k = 0; k < n; k++)
                    {
                        data[i + k] = (byte)rng.Next(256);
                    }

                    break;
                case 1: // a run
                    var value = (byte)rng.Next(256);
                    for (var k = 0; k < n; k++)
                    {
                        data[i + k] = value;
                    }

                    break;
                case 2 when i > 0: // a copy from up to 40,000 bytes back, past the window too
                    var from = Math.Max(0, i - 1 - rng.Next(40_000));
                    for (var k = 0; k < n; k++)
                    {
                        data[i + k] = data[from + k];
                    }

                    break;
                case 3: // a small alphabet
                    for (var k = 0; k < n; k++)
                    {
                        data[i + k] = (byte)('a' + rng.Next(4));
                    }

                    break;
                default: // a mutated copy of something recent
                    var start = Math.Max(0, i - 1 - rng.Next(300));
                    for (var k = 0; k < n; k++)
                    {
                        data[i + k] = rng.Next(50) == 0 ? (byte)rng.Next(256) : data[start + k];
                    }

                    break;
            }

            i += n;
        }

        return data;
    }

    internal static byte[] Deflate(byte[] input, int level)
    {
        var output = new byte[DeflateEncoder.MaxOutput(input.Length)];
        var n = new DeflateEncoder().Compress(input, input.Length, output, 0, level);
        return output.Take(n).ToArray();
    }

    internal static byte[] Inflate(byte[] compressed)
    {
        using var inflater = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var result = new MemoryStream();
        inflater.CopyTo(result);
        return result.ToArray();
    }
}
