using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.IO;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>HTTP/1.1 chunked transfer coding, read: the body's bytes without the chunk framing; trailers are skipped.</summary>
internal sealed class ChunkedReadStream : ReadOnlyStream
{
    private const int MaxLineBytes = 4096;
    private readonly Stream _inner;
    private long _left;
    private bool _done;

    public ChunkedReadStream(Stream inner) => _inner = inner;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_done || count == 0)
        {
            return 0;
        }

        if (_left == 0)
        {
            var line = ReadLine();
            var semicolon = line.IndexOf(';');
            var hex = (semicolon >= 0 ? line.Substring(0, semicolon) : line).Trim();
            if (!long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _left) || _left < 0)
            {
                throw new InvalidDataException("a chunk of the daemon's answer has no valid size");
            }

            if (_left == 0)
            {
                // Trailers are skipped, but only as many as a head may hold: a daemon that sends them without end is refused.
                var trailerBytes = 0;
                string trailer;
                while ((trailer = ReadLine()).Length > 0)
                {
                    if ((trailerBytes += trailer.Length + 2) > DaemonHttp.MaxHeaderBytes)
                    {
                        throw new InvalidDataException($"the trailers of the daemon's answer are over {DaemonHttp.MaxHeaderBytes / 1024} KiB");
                    }
                }

                _done = true;
                return 0;
            }
        }

        var n = _inner.Read(buffer, offset, (int)Math.Min(count, _left));
        if (n == 0)
        {
            throw new EndOfStreamException("the daemon's answer ended inside a chunk");
        }

        _left -= n;
        if (_left == 0 && ReadLine().Length != 0)
        {
            throw new InvalidDataException("a chunk of the daemon's answer does not end with CRLF");
        }

        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            var b = _inner.ReadByte();
            if (b < 0)
            {
                throw new EndOfStreamException("the daemon's answer ended inside its chunk framing");
            }

            if (b == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }

            if (line.Length >= MaxLineBytes)
            {
                throw new InvalidDataException("a chunk header of the daemon's answer is too long");
            }

            line.Append((char)b);
        }
    }
}

/// <summary>A body of a known length: ends there, and early ends are errors.</summary>
internal sealed class LengthReadStream : ReadOnlyStream
{
    private readonly Stream _inner;
    private long _left;

    public LengthReadStream(Stream inner, long length)
    {
        _inner = inner;
        _left = length;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_left == 0 || count == 0)
        {
            return 0;
        }

        var n = _inner.Read(buffer, offset, (int)Math.Min(count, _left));
        if (n == 0)
        {
            throw new EndOfStreamException("the daemon's answer ended before its Content-Length");
        }

        _left -= n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>HTTP/1.1 chunked transfer coding, written: each write is a chunk; <see cref="FinishAsync"/> writes the last.</summary>
internal sealed class ChunkedWriteStream : Stream
{
    private static readonly byte[] Crlf = { (byte)'\r', (byte)'\n' };
    private readonly Stream _inner;

    public ChunkedWriteStream(Stream inner) => _inner = inner;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        var size = Encoding.ASCII.GetBytes(count.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        await _inner.WriteAsync(size, 0, size.Length, cancellationToken).ConfigureAwait(false);
        await _inner.WriteAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
        await _inner.WriteAsync(Crlf, 0, Crlf.Length, cancellationToken).ConfigureAwait(false);
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        var last = Encoding.ASCII.GetBytes("0\r\n\r\n");
        await _inner.WriteAsync(last, 0, last.Length, cancellationToken).ConfigureAwait(false);
    }

    public override void Flush() => _inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // The connection belongs to the exchange, not to this framing.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);
}
