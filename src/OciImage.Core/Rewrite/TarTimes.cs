using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using OciImage.Core.Layers.Tar;

namespace OciImage.Core.Rewrite;

/// <summary>
/// The time fields of a raw tar header and of PAX records, set in place: the header's mtime (and a GNU header's
/// atime and ctime when they are there), the size of a rewritten PAX header, and the checksum over the result.
/// </summary>
internal static class TarTimes
{
    /// <summary>The latest time an octal tar header field holds (11 digits: 2242-03-16).</summary>
    public const long MaxSeconds = (1L << 33) - 1;

    private const int MtimeOffset = 136;
    private const int GnuAtimeOffset = 345;
    private const int GnuCtimeOffset = 357;

    /// <summary>Sets a header block's mtime (GNU atime/ctime too, when set) and recomputes its checksum.</summary>
    public static void SetHeaderTimes(byte[] block, DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        WriteOctal(block, MtimeOffset, 12, seconds);
        if (Encoding.ASCII.GetString(block, 257, 8) == "ustar  \0")
        {
            foreach (var offset in new[] { GnuAtimeOffset, GnuCtimeOffset })
            {
                if (TarFields.Number(block, offset, 12) is > 0)
                {
                    WriteOctal(block, offset, 12, seconds);
                }
            }
        }

        Checksum(block);
    }

    /// <summary>Sets a header block's size field and recomputes its checksum.</summary>
    public static void SetSize(byte[] block, long size)
    {
        WriteOctal(block, 124, 12, size);
        Checksum(block);
    }

    /// <summary>
    /// The PAX data at <paramref name="offset"/> with its mtime, atime and ctime records set to the whole seconds
    /// of <paramref name="time"/>, every other record kept in its order and bytes; null when the data is malformed.
    /// </summary>
    public static byte[]? SetPaxTimes(byte[] bytes, int offset, int length, DateTimeOffset time)
    {
        var value = time.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var output = new List<byte>(length);
        var at = offset;
        var end = offset + length;
        while (at < end && bytes[at] != 0)
        {
            var space = Array.IndexOf(bytes, (byte)' ', at, Math.Min(end - at, 20));
            if (space <= at || !int.TryParse(Encoding.ASCII.GetString(bytes, at, space - at), NumberStyles.None, CultureInfo.InvariantCulture, out var recordLength)
                || recordLength <= space - at + 1 || recordLength > end - at)
            {
                return null;
            }

            var equals = Array.IndexOf(bytes, (byte)'=', space + 1, at + recordLength - 1 - (space + 1));
            var key = equals < 0 ? string.Empty : Encoding.UTF8.GetString(bytes, space + 1, equals - space - 1);
            if (key is "mtime" or "atime" or "ctime")
            {
                output.AddRange(Encoding.UTF8.GetBytes(Record(key, value)));
            }
            else
            {
                for (var i = at; i < at + recordLength; i++)
                {
                    output.Add(bytes[i]);
                }
            }

            at += recordLength;
        }

        return output.ToArray();
    }

    /// <summary>A PAX record: "LENGTH key=value\n", where LENGTH counts itself.</summary>
    private static string Record(string key, string value)
    {
        var body = " " + key + "=" + value + "\n";
        var length = body.Length + 1;
        while ((length.ToString(CultureInfo.InvariantCulture).Length + body.Length) != length)
        {
            length = length.ToString(CultureInfo.InvariantCulture).Length + body.Length;
        }

        return length.ToString(CultureInfo.InvariantCulture) + body;
    }

    /// <summary>Octal digits filling the field but its last byte, which is NUL (as Go and GNU write them).</summary>
    private static void WriteOctal(byte[] block, int offset, int length, long value)
    {
        var digits = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        if (digits.Length > length - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"{value} does not fit a {length}-byte tar field");
        }

        for (var i = 0; i < length - 1; i++)
        {
            block[offset + i] = (byte)digits[i];
        }

        block[offset + length - 1] = 0;
    }

    /// <summary>The header checksum: the unsigned sum of the block with the checksum field as spaces, six octal digits, NUL, space.</summary>
    private static void Checksum(byte[] block)
    {
        for (var i = 148; i < 156; i++)
        {
            block[i] = (byte)' ';
        }

        long sum = 0;
        for (var i = 0; i < 512; i++)
        {
            sum += block[i];
        }

        var digits = Convert.ToString(sum, 8).PadLeft(6, '0');
        for (var i = 0; i < 6; i++)
        {
            block[148 + i] = (byte)digits[i];
        }

        block[154] = 0;
        block[155] = (byte)' ';
    }
}
