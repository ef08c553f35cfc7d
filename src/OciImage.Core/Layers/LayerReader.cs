using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using ICSharpCode.SharpZipLib.Tar;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// Reads a layer blob as tar entries, streaming: the compression is recognised by its magic bytes (gzip, zstd,
/// bzip2 or none; xz is refused by name), whatever the media type claims. Entry content is available while the entry is current.
/// </summary>
public sealed class LayerReader : IDisposable
{
    private readonly TarInputStream _tar;
    private readonly string _what;

    public LayerReader(Stream blob, string what)
    {
        _what = what;
        var buffered = new BufferedStream(blob, 1 << 16);
        _tar = new TarInputStream(new EndOfStreamGuard(Decompress(buffered, what)), Encoding.UTF8) { IsStreamOwner = true };
    }

    /// <summary>
    /// Permission, setuid, setgid and sticky bits (07777): Go's tar writers also store the file-type bits in the
    /// mode field (040755 for a directory), others do not; the type is the entry type, kept apart.
    /// </summary>
    private const int PermissionBits = 0xFFF;

    /// <summary>The content of the current entry; corrupt data surfaces as InvalidLayerException.</summary>
    public Stream Content => _content ??= new CorruptionTranslatingStream(_tar, _what);

    private Stream? _content;

    /// <summary>What a damaged or hostile layer makes the tar and decompression code throw.</summary>
    internal static bool IsCorruption(Exception ex) =>
        ex is ICSharpCode.SharpZipLib.SharpZipBaseException or IOException or InvalidDataException or FormatException or ArgumentException
            or OverflowException or IndexOutOfRangeException or ZstdSharp.ZstdException;

    /// <summary>The entries in tar order; PAX and GNU long names already applied.</summary>
    public IEnumerable<LayerItem> Items(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            TarEntry? entry;
            try
            {
                entry = _tar.GetNextEntry();
            }
            catch (Exception ex) when (IsCorruption(ex))
            {
                throw new InvalidLayerException(_what, "it is not a readable tar (" + ex.Message + ")", ex);
            }

            if (entry is null)
            {
                yield break;
            }

            var header = entry.TarHeader;

            // SharpZipLib passes over a device or FIFO entry itself (not one that directly follows another it
            // passed over), so those are not reliably listed; and it can leave a nameless entry where one ended
            // the archive: such entries carry nothing to list or apply.
            if (Normalise(header.Name).Length == 0)
            {
                continue;
            }

            yield return new LayerItem(Normalise(header.Name), header.Name, TypeOf(header.TypeFlag), header.Size, header.Mode & PermissionBits,
                string.IsNullOrEmpty(header.LinkName) ? null : header.LinkName, header.ModTime, header.UserId, header.GroupId);
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
        TarHeader.LF_NORMAL or TarHeader.LF_OLDNORM or TarHeader.LF_CONTIG => EntryKind.File,
        TarHeader.LF_DIR => EntryKind.Directory,
        TarHeader.LF_SYMLINK => EntryKind.Symlink,
        TarHeader.LF_LINK => EntryKind.HardLink,
        TarHeader.LF_CHR => EntryKind.CharacterDevice,
        TarHeader.LF_BLK => EntryKind.BlockDevice,
        TarHeader.LF_FIFO => EntryKind.Fifo,
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
