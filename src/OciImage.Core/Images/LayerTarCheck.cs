using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using OciImage.Core.Layers;

namespace OciImage.Core.Images;

/// <summary>
/// Test-OciImage -Deep's read of a layer: every tar entry through the module's tar reader (the one Expand-OciImage
/// and the analysis read with), under the decompression budget, each entry held to the rules Expand applies before
/// it writes (<see cref="EntrySafety"/>), and the whole decompressed stream hashed on its way for the DiffID. A
/// layer the reader refuses (a corrupt header, a sparse file, a header over 1 MiB, a name that leads outside)
/// throws its InvalidLayer or UnsafeLayerEntry, which the validator reports as a problem of the image.
/// </summary>
internal static class LayerTarCheck
{
    /// <summary>The layer's DiffID, once all its entries were read and found safe; <paramref name="blob"/> is disposed.</summary>
    public static Digest Read(Stream blob, long compressedSize, string what, CancellationToken cancellationToken)
    {
        var budget = new DecompressionBudget(compressedSize, what);
        Hashing? hashing = null;
        using var reader = new LayerReader(blob, what, tar => hashing = new Hashing(budget.Wrap(tar)), cancellationToken);
        foreach (var item in reader.Items(cancellationToken))
        {
            EntrySafety.Check(item);
        }

        // What follows the end-of-archive blocks is part of the DiffID too.
        var rest = new byte[81920];
        while (hashing!.Read(rest, 0, rest.Length) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        return hashing.Digest();
    }

    /// <summary>A read-through view that hashes what passes.</summary>
    private sealed class Hashing(Stream inner) : Stream
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public Digest Digest() => Core.Digest.FromHash(Core.Digest.Sha256, _sha.GetHashAndReset());

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            _sha.AppendData(buffer, offset, n);
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _sha.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
