using System;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// A one-layer image in a layout whose gzip layer holds <c>entries</c> small files (a thousand to a directory, a
/// few to a few hundred bytes each), for the analysis curve. The tar is generated and compressed as a stream
/// straight into the layout's blob store, hashing both digests on the way: a million entries never touch the disk
/// as files.
/// </summary>
public static class EntryLayer
{
    public static void Compose(string layout, string tag, int entries)
    {
        var blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var temp = Path.Combine(blobs, ".writing");
        using var diffId = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using (var gzip = new GZipStream(new Hashing(file, digest), CompressionLevel.Fastest, leaveOpen: true))
            using (var tar = new TarWriter(new Hashing(gzip, diffId), TarEntryFormat.Ustar, leaveOpen: true))
            {
                var content = new byte[400];
                new Random(7).NextBytes(content);
                var time = DateTimeOffset.UnixEpoch;
                for (var i = 0; i < entries; i++)
                {
                    if (i % 1000 == 0)
                    {
                        tar.WriteEntry(new UstarTarEntry(TarEntryType.Directory, $"d{i / 1000}/") { ModificationTime = time });
                    }

                    tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, $"d{i / 1000}/f{i}.txt")
                    {
                        ModificationTime = time,
                        DataStream = new MemoryStream(content, 0, 10 + i % 300, writable: false),
                    });
                }
            }

            size = file.Length;
        }

        static string Hex(IncrementalHash hash) => "sha256:" + Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        var layer = new TestImages.Layer(Hex(digest), Hex(diffId), size, OciImage.Core.MediaTypes.OciLayerGzip);
        File.Move(temp, Path.Combine(blobs, layer.Digest.Substring(7)), overwrite: true);
        TestImages.Compose(layout, tag, new[] { layer });
    }

    /// <summary>Writes through to another stream, hashing what passes.</summary>
    private sealed class Hashing : Stream
    {
        private readonly Stream _inner;
        private readonly IncrementalHash _hash;

        public Hashing(Stream inner, IncrementalHash hash)
        {
            _inner = inner;
            _hash = hash;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _inner.Write(buffer);
        }

        public override void Flush() => _inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
