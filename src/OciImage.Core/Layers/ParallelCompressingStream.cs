using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Layers;

/// <summary>
/// The write side of a layer build: hashes the tar as it arrives (the DiffID), cuts it into fixed-size chunks,
/// compresses them on all cores, and writes the results in order to the blob while hashing it (the digest).
/// Chunk boundaries depend only on the byte count, so the output is the same whatever the core count.
/// Memory stays bounded: at most one chunk per core (plus one) is in flight, and the buffers of a written chunk
/// are reused for the next, so a build of any size allocates a handful of buffers, not two per chunk.
/// </summary>
internal sealed class ParallelCompressingStream : Stream
{
    public const int ChunkSize = 4 * 1024 * 1024;

    private readonly Stream _output;
    private readonly LayerCompression _compression;
    private readonly LayerCompressionLevel _level;
    private readonly GzipEncoder _encoder;
    private readonly IncrementalHash _diffId = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly Queue<(Task<int> Written, byte[] Input, byte[] Output)> _inFlight = new();
    private readonly Stack<(byte[] Input, byte[] Output)> _free = new();
    private readonly int _maxInFlight;
    private readonly CancellationToken _cancellation;
    private byte[] _chunk = new byte[ChunkSize];
    private int _filled;
    private long _tarSize;
    private long _blobSize;
    private bool _completed;

    public ParallelCompressingStream(Stream output, LayerCompression compression, int? parallelism = null)
        : this(output, compression, default, GzipEncoder.Runtime, parallelism)
    {
    }

    /// <param name="cancellation">Checked at every write: one file of gigabytes is one tar entry, and Ctrl+C must not wait for it.</param>
    public ParallelCompressingStream(Stream output, LayerCompression compression, LayerCompressionLevel level, GzipEncoder encoder, int? parallelism = null, CancellationToken cancellation = default)
    {
        _cancellation = cancellation;
        _output = output;
        _compression = compression;
        _level = level;
        _encoder = encoder;
        _maxInFlight = Math.Max(1, parallelism ?? Environment.ProcessorCount) + 1;
    }

    public Digest DiffId { get; private set; }

    public Digest Digest { get; private set; }

    /// <summary>Bytes of the blob written.</summary>
    public long BlobSize => _blobSize;

    /// <summary>Bytes of tar seen.</summary>
    public long TarSize => _tarSize;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _tarSize;

    public override long Position
    {
        get => _tarSize;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        _cancellation.ThrowIfCancellationRequested();
        _diffId.AppendData(buffer, offset, count);
        _tarSize += count;
        while (count > 0)
        {
            var n = Math.Min(count, _chunk.Length - _filled);
            Buffer.BlockCopy(buffer, offset, _chunk, _filled, n);
            _filled += n;
            offset += n;
            count -= n;
            if (_filled == _chunk.Length)
            {
                Submit();
            }
        }
    }

    /// <summary>Compresses what is left, writes everything in order, and fixes the two digests.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        if (_filled > 0)
        {
            Submit();
        }

        while (_inFlight.Count > 0)
        {
            WriteOldest();
        }

        _output.Flush();
        DiffId = Digest.FromHash(Digest.Sha256, _diffId.GetHashAndReset());
        Digest = Digest.FromHash(Digest.Sha256, _digest.GetHashAndReset());
        _completed = true;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Let running compressions finish before their buffers go.
            foreach (var chunk in _inFlight)
            {
                try
                {
                    chunk.Written.Wait();
                }
                catch (AggregateException)
                {
                }
            }

            _diffId.Dispose();
            _digest.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Submit()
    {
        var input = _chunk;
        var length = _filled;
        var compression = _compression;
        var level = _level;
        var encoder = _encoder;
        var (nextInput, output) = _free.Count > 0 ? _free.Pop() : (new byte[ChunkSize], new byte[ChunkCompressor.OutputCapacity(ChunkSize)]);
        _inFlight.Enqueue((Task.Run(() => ChunkCompressor.Compress(compression, level, encoder, input, length, output)), input, output));
        _chunk = nextInput;
        _filled = 0;
        if (_inFlight.Count >= _maxInFlight)
        {
            WriteOldest();
        }
    }

    private void WriteOldest()
    {
        var (written, input, output) = _inFlight.Dequeue();
        var length = written.GetAwaiter().GetResult();
        _digest.AppendData(output, 0, length);
        _output.Write(output, 0, length);
        _blobSize += length;
        _free.Push((input, output));
    }
}
