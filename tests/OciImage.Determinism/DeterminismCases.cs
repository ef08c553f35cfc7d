using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using OciImage.Core.Layers;

namespace OciImage.Determinism;

/// <summary>
/// The fixture tree and the layer cases whose digests must be the same on every runtime, CPU and core count.
/// Shared (as source) by the tests and the child program, so both build exactly the same things.
/// </summary>
public static class DeterminismCases
{
    /// <summary>Every offered gzip level with the portable encoder, and every zstd level (SmallestSize is 19).</summary>
    public static IEnumerable<(string Name, LayerCompression Compression, LayerCompressionLevel Level, GzipEncoder Encoder)> All()
    {
        for (var level = LayerCompressionLevel.Min; level <= LayerCompressionLevel.Max; level++)
        {
            yield return ($"gzip-portable-{level}", LayerCompression.Gzip, LayerCompressionLevel.Of(level), GzipEncoder.Portable);
        }

        for (var level = LayerCompressionLevel.Min; level <= LayerCompressionLevel.Max; level++)
        {
            yield return ($"zstd-{level}", LayerCompression.Zstd, LayerCompressionLevel.Of(level), GzipEncoder.Portable);
        }

        yield return ("zstd-SmallestSize", LayerCompression.Zstd, LayerCompressionLevel.SmallestSize, GzipEncoder.Portable);
        yield return ("none", LayerCompression.None, LayerCompressionLevel.Optimal, GzipEncoder.Portable);
    }

    /// <summary>Builds one case from <paramref name="fixture"/> into <paramref name="output"/>; returns "digest diffid size".</summary>
    public static string Build(string fixture, string output, LayerCompression compression, LayerCompressionLevel level, GzipEncoder encoder, int? parallelism = null)
    {
        var options = new LayerBuildOptions { Compression = compression, CompressionLevel = level, GzipEncoder = encoder, Parallelism = parallelism };
        var result = LayerBuilder.BuildIntoDirectory(fixture, options, output, default);
        return $"{result.Digest} {result.DiffId} {result.Size}";
    }

    /// <summary>
    /// Writes the fixture: about 4.6 MiB of tar (two 4 MiB chunks) of text, source-like lines, zero runs,
    /// incompressible bytes, near-repeats, an empty and a one-byte file, from a fixed generator (no System.Random).
    /// </summary>
    public static void WriteFixture(string root)
    {
        var rng = new SplitMix(0x0C1_1A6E);
        Directory.CreateDirectory(Path.Combine(root, "etc", "app"));
        Directory.CreateDirectory(Path.Combine(root, "usr", "lib", "deep", "er", "est"));
        Directory.CreateDirectory(Path.Combine(root, "var", "empty"));
        var words = "the of and layer image digest manifest config blob tar gzip zstd deflate registry tag index platform arm64 amd64 linux windows module cmdlet session runtime build copy pull push"
            .Split(' ');
        var text = new StringBuilder();
        while (text.Length < 900_000)
        {
            text.Append(words[rng.Next(words.Length)]).Append(rng.Next(9) == 0 ? ".\n" : " ");
        }

        File.WriteAllText(Path.Combine(root, "etc", "app", "words.txt"), text.ToString());
        var code = new StringBuilder();
        for (var i = 0; code.Length < 700_000; i++)
        {
            code.Append("    public static int Method").Append(i % 97).Append("(int value) => value * ").Append(rng.Next(1000)).Append(" + ").Append(i).Append(";\n");
        }

        File.WriteAllText(Path.Combine(root, "usr", "lib", "Program.cs"), code.ToString());
        File.WriteAllBytes(Path.Combine(root, "usr", "lib", "zeros.bin"), new byte[600_000]);
        var random = new byte[1_100_000];
        rng.Fill(random);
        File.WriteAllBytes(Path.Combine(root, "usr", "lib", "deep", "random.bin"), random);
        var nearRepeats = new byte[1_300_000];
        var pattern = new byte[3000];
        rng.Fill(pattern);
        for (var i = 0; i < nearRepeats.Length; i++)
        {
            nearRepeats[i] = rng.Next(200) == 0 ? (byte)rng.Next(256) : pattern[i % pattern.Length];
        }

        File.WriteAllBytes(Path.Combine(root, "usr", "lib", "deep", "er", "near-repeats.bin"), nearRepeats);
        var runs = new MemoryStream();
        while (runs.Length < 200_000)
        {
            var length = 1 + rng.Next(rng.Next(2) == 0 ? 6 : 400);
            var value = (byte)rng.Next(4);
            for (var i = 0; i < length; i++)
            {
                runs.WriteByte(value);
            }
        }

        File.WriteAllBytes(Path.Combine(root, "usr", "lib", "deep", "er", "est", "runs.bin"), runs.ToArray());
        File.WriteAllBytes(Path.Combine(root, "etc", "empty"), Array.Empty<byte>());
        File.WriteAllBytes(Path.Combine(root, "etc", "one"), new byte[] { 42 });
    }

    /// <summary>A small fixed pseudo-random generator (SplitMix64): the same numbers on every runtime.</summary>
    public sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public ulong NextUInt64()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public int Next(int bound) => (int)(NextUInt64() % (ulong)bound);

        public void Fill(byte[] buffer)
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(NextUInt64() >> 56);
            }
        }
    }
}
