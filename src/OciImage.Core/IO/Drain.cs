using System.IO;
using System.Threading;

namespace OciImage.Core.IO;

/// <summary>
/// Reads a stream to its end and drops the bytes: a verifying blob stream checks its digest only when its last
/// byte is read, and a tar's end (or a decompressor's) comes before that.
/// </summary>
internal static class Drain
{
    /// <summary>Reads until the end, or until at least <paramref name="limit"/> bytes were read; returns how many were.</summary>
    public static long ToEnd(Stream stream, long limit = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[81920];
        long read = 0;
        int n;
        while (read < limit)
        {
            // Asked before each read, and passed to it: a source that trickles or stalls is left when cancelled.
            cancellationToken.ThrowIfCancellationRequested();
            if ((n = stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).GetAwaiter().GetResult()) <= 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }
}
