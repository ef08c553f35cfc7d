using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using ICSharpCode.SharpZipLib.Tar;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Layout;

namespace OciImage.TestKit;

/// <summary>
/// A gzip layer holding one file of zeros, as big as a test needs (hundreds of MiB in a few hundred KiB), written
/// through streams so the test never holds the file in memory. Test data only.
/// </summary>
public static class BigFileLayer
{
    public static TestImages.Layer Add(string layout, string name, long size)
    {
        var blob = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(layout))!, Path.GetFileName(layout) + ".big-layer.tmp");
        Directory.CreateDirectory(layout);
        using var diffHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(blob))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var hashing = new HashingStream(gzip, diffHash))
        using (var tar = new TarOutputStream(hashing, Encoding.UTF8) { IsStreamOwner = false })
        {
            var entry = TarEntry.CreateTarEntry(name);
            entry.Size = size;
            entry.TarHeader.Mode = 0x1A4;
            tar.PutNextEntry(entry);
            var zeros = new byte[1 << 20];
            for (var left = size; left > 0; left -= zeros.Length)
            {
                tar.Write(zeros, 0, (int)System.Math.Min(left, zeros.Length));
            }

            tar.CloseEntry();
        }

        var diffId = Digest.FromHash(Digest.Sha256, diffHash.GetHashAndReset());
        Digest digest;
        long length;
        using (var read = File.OpenRead(blob))
        {
            (digest, length) = Digest.Compute(read, Digest.Sha256);
        }

        using (var store = OciLayoutStore.OpenOrCreate(layout))
        using (var read = File.OpenRead(blob))
        {
            store.PutBlobAsync(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = digest, Size = length }, read, null, CancellationToken.None).GetAwaiter().GetResult();
        }

        File.Delete(blob);
        return new TestImages.Layer(digest.ToString(), diffId.ToString(), length, MediaTypes.OciLayerGzip);
    }

    /// <summary>Hashes what passes through on its way to the inner stream (the uncompressed tar: the DiffID).</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new System.NotSupportedException();
        public override long Position { get => throw new System.NotSupportedException(); set => throw new System.NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new System.NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new System.NotSupportedException();
        public override void SetLength(long value) => throw new System.NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            hash.AppendData(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }
    }
}
