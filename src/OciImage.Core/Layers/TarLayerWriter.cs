using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ICSharpCode.SharpZipLib.Tar;

namespace OciImage.Core.Layers;

/// <summary>
/// Writes layer tar entries with SharpZipLib, deterministically: given mtime, uid/gid, empty user and group
/// names. A name or link target that does not fit the 100-byte ustar field, or is not ASCII, gets a PAX
/// extended header ('x') with the full UTF-8 value, as Go's and GNU's writers do. Extended attributes go in the
/// same header as SCHILY.xattr.NAME records (raw bytes, names in ordinal order), as GNU tar, Go and buildah write them.
/// </summary>
internal sealed class TarLayerWriter : IDisposable
{
    private const int UstarNameLength = 100;
    private readonly TarOutputStream _tar;

    public TarLayerWriter(Stream output)
    {
        _tar = new TarOutputStream(output, Encoding.UTF8) { IsStreamOwner = false };
    }

    public void AddDirectory(string path, int mode, DateTime modified, int uid, int gid, IReadOnlyDictionary<string, byte[]>? xattrs = null) =>
        Put(path.TrimEnd('/') + "/", TarHeader.LF_DIR, mode, modified, uid, gid, 0, null, null, xattrs);

    public void AddFile(string path, int mode, DateTime modified, int uid, int gid, long size, Stream content, IReadOnlyDictionary<string, byte[]>? xattrs = null) =>
        Put(path, TarHeader.LF_NORMAL, mode, modified, uid, gid, size, null, content, xattrs);

    public void AddSymlink(string path, string target, DateTime modified, int uid, int gid, IReadOnlyDictionary<string, byte[]>? xattrs = null) =>
        Put(path, TarHeader.LF_SYMLINK, 0x1FF, modified, uid, gid, 0, target, null, xattrs);

    public void AddHardLink(string path, string target, int mode, DateTime modified, int uid, int gid, IReadOnlyDictionary<string, byte[]>? xattrs = null) =>
        Put(path, TarHeader.LF_LINK, mode, modified, uid, gid, 0, target, null, xattrs);

    /// <summary>A character or block device (with its numbers) or a FIFO: a header, no content.</summary>
    public void AddSpecial(string path, TreeEntryType type, int deviceMajor, int deviceMinor, int mode, DateTime modified, int uid, int gid, IReadOnlyDictionary<string, byte[]>? xattrs = null)
    {
        var flag = type switch
        {
            TreeEntryType.CharacterDevice => TarHeader.LF_CHR,
            TreeEntryType.BlockDevice => TarHeader.LF_BLK,
            TreeEntryType.Fifo => TarHeader.LF_FIFO,
            _ => throw new ArgumentException($"'{path}' is not a device or FIFO", nameof(type)),
        };
        Put(path, flag, mode, modified, uid, gid, 0, null, null, xattrs, deviceMajor, deviceMinor);
    }

    /// <summary>
    /// Whether a PAX record can carry this attribute name: not empty, no '=' (it ends the key), no NUL or newline,
    /// and no U+FFFD, which is what a name read from bytes that are not UTF-8 became: written back, it would be
    /// another name than the one the layer gave.
    /// </summary>
    public static bool CanCarryXattrName(string name) =>
        name.Length > 0 && name.IndexOfAny(new[] { '=', '\0', '\n', '\uFFFD' }) < 0;

    /// <summary>An empty file whose name marks a deletion (.wh.NAME) or an opaque directory (.wh..wh..opq).</summary>
    public void AddWhiteout(string path, DateTime modified) =>
        Put(path, TarHeader.LF_NORMAL, 0, modified, 0, 0, 0, null, null, null);

    /// <summary>Writes the end-of-archive blocks; the underlying stream stays open.</summary>
    public void Finish() => _tar.Finish();

    public void Dispose() => _tar.Dispose();

    private void Put(string path, byte type, int mode, DateTime modified, int uid, int gid, long size, string? link, Stream? content,
        IReadOnlyDictionary<string, byte[]>? xattrs, int deviceMajor = 0, int deviceMinor = 0)
    {
        var name = path;
        var longName = NeedsPax(name) || (link is not null && NeedsPax(link));
        if (longName || xattrs is { Count: > 0 })
        {
            WritePax(path, longName ? name : null, longName ? link : null, xattrs, modified);
        }

        if (longName)
        {
            name = Shorten(name, type == TarHeader.LF_DIR);
            link = link is null ? null : Shorten(link, false);
        }

        var entry = TarEntry.CreateTarEntry(name);
        var header = entry.TarHeader;
        header.TypeFlag = type;
        header.Mode = mode & 0xFFF;
        header.ModTime = modified;
        header.UserId = uid;
        header.GroupId = gid;
        header.UserName = string.Empty;
        header.GroupName = string.Empty;
        header.Size = size;
        header.DevMajor = deviceMajor;
        header.DevMinor = deviceMinor;
        if (link is not null)
        {
            header.LinkName = link;
        }

        _tar.PutNextEntry(entry);
        if (content is not null && size > 0)
        {
            var buffer = new byte[81920];
            long left = size;
            while (left > 0)
            {
                var n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                {
                    throw new IOException($"'{path}' became shorter while it was being read (it changed during the build).");
                }

                _tar.Write(buffer, 0, n);
                left -= n;
            }
        }

        _tar.CloseEntry();
    }

    private static bool NeedsPax(string value)
    {
        if (Encoding.UTF8.GetByteCount(value) > UstarNameLength)
        {
            return true;
        }

        foreach (var c in value)
        {
            if (c > 0x7E || c < 0x20)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An ASCII stand-in that fits the ustar field; readers use the PAX value instead.</summary>
    private static string Shorten(string value, bool directory)
    {
        var ascii = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            ascii.Append(c > 0x7E || c < 0x20 ? '_' : c);
        }

        var text = ascii.ToString();
        var limit = directory ? UstarNameLength - 1 : UstarNameLength;
        var trimmed = text.TrimEnd('/');
        if (trimmed.Length > limit)
        {
            trimmed = trimmed.Substring(trimmed.Length - limit);
        }

        return directory ? trimmed + "/" : trimmed;
    }

    /// <param name="path">The entry's path, which names the PAX header.</param>
    /// <param name="name">The path record's value, or null when the ustar field holds the name.</param>
    private void WritePax(string path, string? name, string? link, IReadOnlyDictionary<string, byte[]>? xattrs, DateTime modified)
    {
        var records = new MemoryStream();
        if (name is not null)
        {
            Record(records, "path", Encoding.UTF8.GetBytes(name));
        }

        if (link is not null)
        {
            Record(records, "linkpath", Encoding.UTF8.GetBytes(link));
        }

        foreach (var xattr in (xattrs ?? Tar.TarHeader.NoXattrs).OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            if (!CanCarryXattrName(xattr.Key))
            {
                throw new ArgumentException($"'{path}' has an extended attribute name a PAX record cannot carry", nameof(xattrs));
            }

            Record(records, Tar.Xattr.Schily + xattr.Key, xattr.Value);
        }

        var bytes = records.ToArray();
        if (bytes.Length > Tar.TarReader.MaxSpecialSize)
        {
            // A name and attributes read from two headers (a GNU long name, a PAX header) can outgrow one together:
            // written, Go's archive/tar and our reader would refuse the layer.
            throw new HeaderTooLargeException(path, bytes.Length);
        }

        var entry = TarEntry.CreateTarEntry("PaxHeaders/" + Shorten(path, false).TrimStart('/').Replace('/', '_'));
        var header = entry.TarHeader;
        header.Name = header.Name.Length > UstarNameLength ? header.Name.Substring(0, UstarNameLength) : header.Name;
        header.TypeFlag = (byte)'x';
        header.Mode = 0x1A4;
        header.ModTime = modified;
        header.UserName = string.Empty;
        header.GroupName = string.Empty;
        header.Size = bytes.Length;
        _tar.PutNextEntry(entry);
        _tar.Write(bytes, 0, bytes.Length);
        _tar.CloseEntry();
    }

    /// <summary>An entry whose PAX header (long name, link, attributes) would be larger than readers take for one.</summary>
    public sealed class HeaderTooLargeException(string path, long size)
        : Exception($"the entry '{path}' needs a PAX header of {size} bytes, more than the {Tar.TarReader.MaxSpecialSize} a tar reader takes")
    {
        public string EntryPath { get; } = path;
    }

    /// <summary>A PAX record: "LENGTH key=value\n", where LENGTH counts itself; the value is raw bytes (xattrs are binary).</summary>
    private static void Record(Stream records, string key, byte[] value)
    {
        var bodyLength = Encoding.UTF8.GetByteCount(" " + key + "=") + value.Length + 1;
        var length = bodyLength + 1;
        while ((length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + bodyLength) != length)
        {
            length = length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + bodyLength;
        }

        var head = Encoding.UTF8.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + key + "=");
        records.Write(head, 0, head.Length);
        records.Write(value, 0, value.Length);
        records.WriteByte((byte)'\n');
    }
}
