using System;
using System.IO;
using System.Text;

namespace OciImage.TestKit;

/// <summary>
/// Writes tar bytes header by header, with nothing checked: any type flag, PAX and GNU special headers in any
/// order, base-256 numbers, wrong checksums, declared sizes the data does not have. For the tar reader's tests
/// and the hostile corpus; writers of real tools make the rest of the fixtures.
/// </summary>
public sealed class RawTar
{
    public const int Block = 512;
    private readonly MemoryStream _out = new();

    public long Length => _out.Length;

    /// <summary>One header block. Numbers are octal unless <paramref name="base256"/> names the fields to write in base-256 ("size", "uid", "gid", "mtime").</summary>
    public RawTar Header(
        string name, char type, long size = 0, string link = "", long uid = 0, long gid = 0, long mtime = 946684800, int mode = 0x1A4,
        string format = "ustar", string prefix = "", string[]? base256 = null, int checksumDelta = 0, string uname = "", string gname = "",
        long devMajor = 0, long devMinor = 0)
    {
        var b = new byte[Block];
        Text(b, 0, 100, name);
        Number(b, 100, 8, mode, base256, "mode");
        Number(b, 108, 8, uid, base256, "uid");
        Number(b, 116, 8, gid, base256, "gid");
        Number(b, 124, 12, size, base256, "size");
        Number(b, 136, 12, mtime, base256, "mtime");
        b[156] = (byte)type;
        Text(b, 157, 100, link);
        if (format == "ustar")
        {
            Text(b, 257, 6, "ustar\0");
            Text(b, 263, 2, "00");
            Text(b, 345, 155, prefix);
        }
        else if (format == "gnu")
        {
            Text(b, 257, 8, "ustar  \0");
        }

        Number(b, 329, 8, devMajor, base256, "devmajor");
        Number(b, 337, 8, devMinor, base256, "devminor");
        Text(b, 265, 32, uname);
        Text(b, 297, 32, gname);
        for (var i = 148; i < 156; i++)
        {
            b[i] = (byte)' ';
        }

        long sum = 0;
        foreach (var x in b)
        {
            sum += x;
        }

        var checksum = Convert.ToString(sum + checksumDelta, 8).PadLeft(6, '0');
        Text(b, 148, 7, checksum + "\0");
        _out.Write(b, 0, Block);
        return this;
    }

    /// <summary>Data bytes, padded to the block.</summary>
    public RawTar Data(byte[] data, bool pad = true)
    {
        _out.Write(data, 0, data.Length);
        if (pad && data.Length % Block != 0)
        {
            _out.Write(new byte[Block - (data.Length % Block)], 0, Block - (data.Length % Block));
        }

        return this;
    }

    public RawTar File(string name, string content, long uid = 0, long gid = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return Header(name, '0', bytes.Length, uid: uid, gid: gid).Data(bytes);
    }

    /// <summary>A PAX header ('x' for the next entry, 'g' for all later ones) holding these records.</summary>
    public RawTar Pax(char type, params (string Key, string Value)[] records)
    {
        var data = new MemoryStream();
        foreach (var (key, value) in records)
        {
            var record = PaxRecord(key, Encoding.UTF8.GetBytes(value));
            data.Write(record, 0, record.Length);
        }

        return Header(type == 'g' ? "pax_global_header" : "PaxHeaders/entry", type, data.Length).Data(data.ToArray());
    }

    /// <summary>A GNU long name ('L') or long link name ('K') header, NUL-terminated as GNU tar writes it.</summary>
    public RawTar LongName(char type, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value + "\0");
        return Header("././@LongLink", type, bytes.Length, format: "gnu").Data(bytes);
    }

    /// <summary>The two zero blocks that end an archive.</summary>
    public RawTar End() => Data(new byte[2 * Block]);

    public byte[] ToArray() => _out.ToArray();

    /// <summary>"LEN key=value\n", LEN counting the whole record, itself included.</summary>
    public static byte[] PaxRecord(string key, byte[] value)
    {
        var rest = Encoding.UTF8.GetByteCount(key) + value.Length + 3; // ' ', '=', '\n'
        var length = rest + 1;
        while (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + rest != length)
        {
            length++;
        }

        var head = Encoding.UTF8.GetBytes($"{length} {key}=");
        var record = new byte[length];
        Buffer.BlockCopy(head, 0, record, 0, head.Length);
        Buffer.BlockCopy(value, 0, record, head.Length, value.Length);
        record[length - 1] = (byte)'\n';
        return record;
    }

    private static void Text(byte[] b, int offset, int length, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Buffer.BlockCopy(bytes, 0, b, offset, Math.Min(bytes.Length, length));
    }

    private static void Number(byte[] b, int offset, int length, long value, string[]? base256, string field)
    {
        if (base256 is not null && Array.IndexOf(base256, field) >= 0)
        {
            // Big-endian two's complement with the top bit of the first byte set.
            for (var i = length - 1; i >= 0; i--)
            {
                b[offset + i] = (byte)(value & 0xFF);
                value >>= 8;
            }

            b[offset] |= 0x80;
            return;
        }

        Text(b, offset, length, Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0");
    }
}
