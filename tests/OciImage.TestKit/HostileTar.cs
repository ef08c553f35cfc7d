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

    public HostileTar File(string name, string content)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        Put(name, TarHeader.LF_NORMAL, bytes.Length, null);
        _tar.Write(bytes, 0, bytes.Length);
        _tar.CloseEntry();
        return this;
    }

    public HostileTar Directory(string name) => Entry(name, TarHeader.LF_DIR, null);

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

    private HostileTar Entry(string name, byte type, string? link)
    {
        Put(name, type, 0, link);
        _tar.CloseEntry();
        return this;
    }

    private void Put(string name, byte type, long size, string? link)
    {
        var entry = TarEntry.CreateTarEntry(name);
        entry.TarHeader.Name = name;
        entry.TarHeader.TypeFlag = type;
        entry.TarHeader.Mode = type == TarHeader.LF_DIR ? 0x1ED : 0x1A4;
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
