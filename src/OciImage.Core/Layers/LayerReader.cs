using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using OciImage.Core.Errors;
using OciImage.Core.Layers.Tar;

namespace OciImage.Core.Layers;

/// <summary>
/// Reads a layer blob as tar entries, streaming: the compression is recognised by its magic bytes (gzip, zstd,
/// bzip2 or none; xz is refused by name), whatever the media type claims. Entry content is available while the entry is current.
/// </summary>
internal sealed class LayerReader : IDisposable
{
    private readonly TarReader _tar;
    private readonly string _what;

    /// <summary>The blob as given (a verifying stream checks its digest at its end), read to its end when the layer proves unreadable.</summary>
    private readonly Stream _blob;

    /// <summary>The caller's: it also ends the read to the blob's end that explains an unreadable layer.</summary>
    private readonly CancellationToken _cancellationToken;

    public LayerReader(Stream blob, string what, CancellationToken cancellationToken)
        : this(blob, what, tar => tar, cancellationToken)
    {
    }

    /// <param name="tarView">Wraps the decompressed tar before the tar reader sees it (a decompression budget, a hash of it all).</param>
    internal LayerReader(Stream blob, string what, Func<Stream, Stream> tarView, CancellationToken cancellationToken)
    {
        _what = what;
        _blob = blob;
        _cancellationToken = cancellationToken;
        var buffered = new BufferedStream(blob, 1 << 16);
        _tar = new TarReader(tarView(Decompress(buffered, what)), reason => new InvalidLayerException(what, reason));
    }

    /// <summary>How much of an unreadable layer's blob is read on to find whether its digest holds (4 GiB).</summary>
    private const long MaxExplainingRead = 4L << 30;

    /// <summary>
    /// What to throw for a layer that does not read: the blob is first read to its end, so bytes that are not the
    /// ones its digest names (a tampered or damaged download) are reported as that, a digest mismatch, rather than as
    /// the damage they did to the gzip or the tar. A layer whose digest holds is invalid as it stands. The read is
    /// the caller's to cancel: a registry may serve a broken layer as slowly as its guard allows, and a cancelled
    /// read reports cancellation (OperationCanceledException), as every other read does.
    /// </summary>
    internal Exception Explain(InvalidLayerException damage)
    {
        try
        {
            // A store's blob ends at its descriptor's size; any other stream is read no further than this.
            IO.Drain.ToEnd(_blob, MaxExplainingRead, _cancellationToken);
        }
        catch (DigestMismatchException mismatch)
        {
            return mismatch;
        }
        catch (Exception ex) when (ex is OciException or IOException or ObjectDisposedException or NotSupportedException or InvalidOperationException)
        {
            // The blob cannot tell more (it failed otherwise, or cannot be read on): the damage is the answer.
        }

        return damage;
    }

    /// <summary>
    /// Permission, setuid, setgid and sticky bits (07777): Go's tar writers also store the file-type bits in the
    /// mode field (040755 for a directory), others do not; the type is the entry type, kept apart.
    /// </summary>
    private const int PermissionBits = 0xFFF;

    /// <summary>The content of the current entry; corrupt data surfaces as InvalidLayerException.</summary>
    /// <summary>What is read, for messages ("layer sha256:…").</summary>
    public string What => _what;

    public Stream Content => new CorruptionTranslatingStream(_tar.Content, _what, Explain);

    /// <summary>What a damaged or hostile layer makes the decompression code throw.</summary>
    internal static bool IsCorruption(Exception ex) =>
        ex is ICSharpCode.SharpZipLib.SharpZipBaseException or IOException or InvalidDataException or FormatException or ArgumentException
            or OverflowException or IndexOutOfRangeException or ZstdSharp.ZstdException;

    /// <summary>The entries in tar order; PAX records, GNU long names and long links already applied.</summary>
    public IEnumerable<LayerItem> Items(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TarHeader? header;
            try
            {
                header = _tar.Next();
            }
            catch (InvalidLayerException damage)
            {
                throw Explain(damage);
            }
            catch (Exception ex) when (ex is not OciException && IsCorruption(ex))
            {
                throw Explain(new InvalidLayerException(_what, "it is not a readable tar (" + ex.Message + ")", ex));
            }

            if (header is null)
            {
                yield break;
            }

            // A nameless entry (or one named "./") carries nothing to list or apply.
            var path = Normalise(header.Name);
            if (path.Length == 0)
            {
                continue;
            }

            yield return new LayerItem(path, header.Name, TypeOf(header.TypeFlag), header.Size, (int)(header.Mode & PermissionBits),
                header.LinkName.Length == 0 ? null : header.LinkName, header.ModTime, header.UserId, header.GroupId, header.Xattrs,
                header.DevMajor, header.DevMinor);
        }
    }

    public void Dispose() => _tar.Dispose();

    /// <summary>Strips "./" and trailing '/'; keeps a leading '/' and '..' for the extractor to judge.</summary>
    public static string Normalise(string name)
    {
        var path = name.Replace('\\', '/');
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path.Substring(2);
        }

        return path.TrimEnd('/');
    }

    private static EntryKind TypeOf(byte flag) => flag switch
    {
        TarTypeFlag.Regular or TarTypeFlag.RegularOld or TarTypeFlag.Contiguous => EntryKind.File,
        TarTypeFlag.Directory => EntryKind.Directory,
        TarTypeFlag.Symlink => EntryKind.Symlink,
        TarTypeFlag.HardLink => EntryKind.HardLink,
        TarTypeFlag.CharacterDevice => EntryKind.CharacterDevice,
        TarTypeFlag.BlockDevice => EntryKind.BlockDevice,
        TarTypeFlag.Fifo => EntryKind.Fifo,
        _ => EntryKind.Other,
    };

    /// <summary>The uncompressed tar of a layer blob, whatever its compression (by its magic bytes).</summary>
    public static Stream OpenTar(Stream blob, string what = "the layer") => Decompress(new BufferedStream(blob, 1 << 16), what);

    private static Stream Decompress(Stream blob, string what)
    {
        var (compression, whole) = Compressions.Peek(blob);
        return Compressions.Decompress(whole, compression, what);
    }
}
