using System;
using System.IO;
using System.Threading;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: an uncancellable read. A layer blob whose gzip is broken in its first bytes, after which it
/// trickles one byte per <see cref="Interval"/> with no end (as a registry may, just inside a slow-body guard): a
/// reader that reads a broken layer to its end to check its digest goes on as long as the server likes unless the
/// caller's cancellation stops it. Its reads do not look at any token (as a plain network read does not).
/// <see cref="Stop"/> ends it, so a test that fails leaves no endless reader behind.
/// </summary>
public sealed class TricklingBrokenLayer : Stream
{
    /// <summary>A gzip member header, then a deflate block of a reserved type (11): no inflater reads past it.</summary>
    private static readonly byte[] Head = { 0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0xff, 0x07, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    private readonly ManualResetEventSlim _trickling = new();
    private int _position;
    private volatile bool _stopped;

    public TimeSpan Interval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Set once the head is read and the trickle has begun.</summary>
    public WaitHandle Trickling => _trickling.WaitHandle;

    /// <summary>Bytes of the trickle read so far.</summary>
    public long Trickled { get; private set; }

    public void Stop() => _stopped = true;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position < Head.Length)
        {
            var n = Math.Min(count, Head.Length - _position);
            Array.Copy(Head, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        _trickling.Set();
        if (_stopped)
        {
            return 0;
        }

        Thread.Sleep(Interval);
        buffer[offset] = (byte)'x';
        Trickled++;
        return 1;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _stopped = true;
        base.Dispose(disposing);
    }
}
