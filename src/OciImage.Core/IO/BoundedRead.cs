using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.IO;

/// <summary>
/// The one way a document from outside (a layout's index.json and oci-layout, an archive's manifest.json, index.json
/// and configs, a docker config, a token answer, a tag list) is read whole: refused from its declared size before
/// a byte is read, and from the bytes actually read the moment they pass the limit, so a size that lies (a file
/// growing, /dev/zero behind a symlink, a body without Content-Length) never costs more than the limit. A file
/// that is not a regular file (a FIFO would block the open forever, a device never ends) is refused before it is
/// opened. The caller's factory makes the error of the document's kind (InvalidLayout, InvalidArchive, ManifestTooLarge).
/// </summary>
internal static class BoundedRead
{
    private const int Chunk = 81920;

    /// <summary>Reads a file whole, or throws what <paramref name="tooLarge"/> makes of the size seen (at least limit + 1).</summary>
    /// <param name="notRegular">Makes the error for a path that is not a regular file (a FIFO, a device, a socket).</param>
    public static byte[] File(string path, long limit, Func<long, Exception> tooLarge, Func<string, Exception> notRegular)
    {
        if (UnixFileStatus.OfTarget(path) is { Type: not UnixFileType.Regular } status)
        {
            throw notRegular($"it is a {Describe(status.Type)}, not a file");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        if (stream.CanSeek && stream.Length > limit)
        {
            throw tooLarge(stream.Length);
        }

        return Stream(stream, limit, tooLarge);
    }

    /// <summary>Reads a stream to its end, refusing it once more than <paramref name="limit"/> bytes came.</summary>
    public static byte[] Stream(Stream stream, long limit, Func<long, Exception> tooLarge)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[Chunk];
        int n;
        while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > limit)
            {
                throw tooLarge(buffer.Length);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>As <see cref="Stream(System.IO.Stream, long, Func{long, Exception})"/>, with a declared size (a Content-Length) judged first.</summary>
    public static async Task<byte[]> StreamAsync(Stream stream, long? declared, long limit, Func<long, Exception> tooLarge, CancellationToken cancellationToken = default)
    {
        if (declared is { } size && size > limit)
        {
            throw tooLarge(size);
        }

        var buffer = new MemoryStream();
        var chunk = new byte[Chunk];
        int n;
        while ((n = await stream.ReadAsync(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > limit)
            {
                throw tooLarge(buffer.Length);
            }
        }

        return buffer.ToArray();
    }

    private static string Describe(UnixFileType type) => type switch
    {
        UnixFileType.Fifo => "named pipe",
        UnixFileType.CharacterDevice => "character device",
        UnixFileType.BlockDevice => "block device",
        UnixFileType.Socket => "socket",
        _ => type.ToString().ToLowerInvariant(),
    };
}
