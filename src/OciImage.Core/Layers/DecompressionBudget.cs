using System;
using System.IO;
using OciImage.Core.Errors;

namespace OciImage.Core.Layers;

/// <summary>
/// How much of a layer analysis and validation decompress: 100 times its compressed size, at least 1 GiB (the
/// default of Expand-OciImage -MaxSize, per layer). Real layers expand 2 to 10 times; a 4 MiB zstd layer of
/// 128 GiB of zeros stops after 1 GiB instead of keeping Test-OciImage -Deep busy for minutes.
/// </summary>
internal sealed class DecompressionBudget
{
    public const long Ratio = 100;

    public const long Floor = 1L << 30;

    private readonly string _what;
    private long _used;

    public DecompressionBudget(long compressedSize, string what)
    {
        var size = Math.Max(0, compressedSize);
        Limit = size > long.MaxValue / Ratio ? long.MaxValue : Math.Max(Floor, size * Ratio);
        _what = what;
    }

    public long Limit { get; }

    /// <summary>Counts bytes decompressed; past the limit, DecompressionLimitExceeded.</summary>
    public void Count(long bytes)
    {
        _used += bytes;
        if (_used > Limit)
        {
            throw new DecompressionLimitException(_what, Limit);
        }
    }

    /// <summary>A read-only view of a decompressed stream that counts what is read from it.</summary>
    public Stream Wrap(Stream decompressed) => new Counting(decompressed, this);

    private sealed class Counting(Stream inner, DecompressionBudget budget) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            budget.Count(n);
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
            }

            base.Dispose(disposing);
        }
    }
}
