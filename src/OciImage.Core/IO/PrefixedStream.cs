using System;
using System.IO;

namespace OciImage.Core.IO;

/// <summary>A read-only stream of some bytes already read (a peeked magic number) followed by the rest.</summary>
internal sealed class PrefixedStream : ReadOnlyStream
{
    private readonly byte[] _prefix;
    private readonly int _prefixLength;
    private readonly Stream _rest;
    private int _offset;

    public PrefixedStream(byte[] prefix, int prefixLength, Stream rest)
    {
        _prefix = prefix;
        _prefixLength = prefixLength;
        _rest = rest;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_offset < _prefixLength)
        {
            var n = Math.Min(count, _prefixLength - _offset);
            Buffer.BlockCopy(_prefix, _offset, buffer, offset, n);
            _offset += n;
            return n;
        }

        return _rest.Read(buffer, offset, count);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rest.Dispose();
        }

        base.Dispose(disposing);
    }
}
