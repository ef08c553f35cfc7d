using System;
using System.IO;
using System.Text;
using ICSharpCode.SharpZipLib.Tar;

namespace OciImage.TestKit;

/// <summary>Writes tars with whatever entries a test needs, hostile ones included.</summary>
public sealed class HostileTar
{
    private readonly MemoryStream _buffer = new();
    private readonly TarOutputStream _tar;

    public HostileTar() => _tar = new TarOutputStream(_buffer, Encoding.UTF8) { IsStreamOwner = false };

    public HostileTar File(string name, string content) => File(name, Encoding.UTF8.GetBytes(content));

    /// <summary>A regular file with these bytes, and a mode (0644 unless given) and owner (0:0 unless given).</summary>
    public HostileTar File(string name, byte[] bytes, int mode = 0x1A4, int owner = 0)
    {
        Put(name, TarHeader.LF_NORMAL, bytes.Length, null, mode, owner);
        _tar.Write(bytes, 0, bytes.Length);
        _tar.CloseEntry();
        return this;
    }

    /// <summary>A regular file of <paramref name="size"/> bytes, all <paramref name="fill"/>.</summary>
    public HostileTar File(string name, int size, char fill = 'x', int mode = 0x1A4, int owner = 0) =>
        File(name, Encoding.ASCII.GetBytes(new string(fill, size)), mode, owner);

    /// <summary>A whiteout: deletes NAME of the layers below ("dir/.wh.NAME").</summary>
    public HostileTar Whiteout(string path)
    {
        var slash = path.LastIndexOf('/');
        return File(slash < 0 ? ".wh." + path : path.Substring(0, slash + 1) + ".wh." + path.Substring(slash + 1), string.Empty);
    }

    /// <summary>An opaque-directory marker: hides what the layers below hold in <paramref name="directory"/>.</summary>
    public HostileTar Opaque(string directory) => File(directory.TrimEnd('/') + "/.wh..wh..opq", string.Empty);

    public HostileTar Directory(string name) => Entry(name, TarHeader.LF_DIR, null);

    /// <summary>A directory with the given mode (setuid, setgid and sticky bits included).</summary>
    public HostileTar Directory(string name, int mode) => Entry(name, TarHeader.LF_DIR, null, mode);

    public HostileTar Symlink(string name, string target) => Entry(name, TarHeader.LF_SYMLINK, target);

    public HostileTar HardLink(string name, string target) => Entry(name, TarHeader.LF_LINK, target);

    public HostileTar Device(string name) => Entry(name, TarHeader.LF_CHR, null);

    /// <summary>The tar bytes, end-of-archive blocks included.</summary>
    public byte[] ToArray()
    {
        // Closing writes the final record; the memory stream stays open (IsStreamOwner is false).
        _tar.Dispose();
        return _buffer.ToArray();
    }

    private HostileTar Entry(string name, byte type, string? link, int? mode = null)
    {
        Put(name, type, 0, link, mode);
        _tar.CloseEntry();
        return this;
    }

    private void Put(string name, byte type, long size, string? link, int? mode = null, int owner = 0)
    {
        var entry = TarEntry.CreateTarEntry(name);
        entry.TarHeader.Name = name;
        entry.TarHeader.TypeFlag = type;
        entry.TarHeader.Mode = mode ?? (type == TarHeader.LF_DIR ? 0x1ED : 0x1A4);
        entry.TarHeader.UserId = owner;
        entry.TarHeader.GroupId = owner;
        entry.TarHeader.Size = size;
        entry.TarHeader.ModTime = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        entry.TarHeader.UserName = string.Empty;
        entry.TarHeader.GroupName = string.Empty;
        if (link is not null)
        {
            entry.TarHeader.LinkName = link;
        }

        _tar.PutNextEntry(entry);
    }
}
