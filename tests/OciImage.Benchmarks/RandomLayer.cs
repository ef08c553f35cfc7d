using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// A one-layer image in a layout whose layer is an uncompressed tar of one file of random bytes, written straight
/// into the layout's blob store (no layer build: a 4 GiB layer is ready in seconds). Copies treat a layer as opaque
/// bytes, so the copy curve measures the same with a tar as with a gzip layer of that size.
/// </summary>
public static class RandomLayer
{
    public static void Compose(string layout, string tag, long bytes, int seed)
    {
        var blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var temp = Path.Combine(blobs, ".writing");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            void Write(ReadOnlySpan<byte> data)
            {
                sha.AppendData(data);
                file.Write(data);
            }

            Write(Header("data.bin", bytes));
            var random = new Random(seed);
            var chunk = new byte[1 << 20];
            for (long written = 0; written < bytes; written += chunk.Length)
            {
                random.NextBytes(chunk);
                Write(chunk.AsSpan(0, (int)Math.Min(chunk.Length, bytes - written)));
            }

            Write(new byte[(int)((512 - bytes % 512) % 512) + 1024]); // padding, then the two zero blocks that end a tar
            size = file.Length;
        }

        var digest = "sha256:" + Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
        File.Move(temp, Path.Combine(blobs, digest.Substring(7)), overwrite: true);
        TestImages.Compose(layout, tag, new[] { new TestImages.Layer(digest, digest, size, OciImage.Core.MediaTypes.OciLayer) });
    }

    /// <summary>A ustar header of a regular file (size in octal; GNU base-256 above 8 GiB is not needed here).</summary>
    private static byte[] Header(string name, long size)
    {
        var header = new byte[512];
        void Put(int offset, string text) => Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
        Put(0, name);
        Put(100, "0000644\0");
        Put(108, "0000000\0");
        Put(116, "0000000\0");
        Put(124, Convert.ToString(size, 8).PadLeft(11, '0') + "\0");
        Put(136, "00000000000\0");
        header[156] = (byte)'0';
        Put(257, "ustar\0");
        Put(263, "00");
        Put(148, "        ");
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        Put(148, Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ");
        return header;
    }
}
