using System;
using System.IO;

namespace OciImage.Core.IO;

/// <summary>
/// A read-only stream that answers the end of its source once, then throws on any further read. SharpZipLib's
/// tar reader loops forever on an entry (a PAX or long-name header) that claims more bytes than the stream
/// has, because it keeps reading zero bytes; this turns that loop into an error (found by the fuzz tests).
/// </summary>
public sealed class EndOfStreamGuard : ReadOnlyStream
{
    private const int ToleratedEndReads = 4;
    private readonly Stream _inner;
    private int _endReads;

    public EndOfStreamGuard(Stream inner) => _inner = inner;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = _inner.Read(buffer, offset, count);
        if (n == 0 && count > 0 && ++_endReads > ToleratedEndReads)
        {
            throw new EndOfStreamException("the layer ends in the middle of an entry");
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
}
