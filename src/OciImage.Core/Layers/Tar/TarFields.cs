using System;
using System.Text;

namespace OciImage.Core.Layers.Tar;

/// <summary>
/// The fixed-width fields of a tar header: NUL-terminated strings and numbers in octal ASCII or, when the first
/// byte's high bit is set, GNU's base-256 (two's complement, big-endian), which writers use for values octal cannot hold.
/// </summary>
internal static class TarFields
{
    /// <summary>The field's bytes up to the first NUL, as UTF-8.</summary>
    public static string String(byte[] block, int offset, int length)
    {
        var end = Array.IndexOf(block, (byte)0, offset, length);
        return Encoding.UTF8.GetString(block, offset, (end < 0 ? offset + length : end) - offset);
    }

    /// <summary>The number in the field, or null when it is neither octal nor base-256 (or does not fit in 63 bits).</summary>
    public static long? Number(byte[] block, int offset, int length)
    {
        if (length > 0 && (block[offset] & 0x80) != 0)
        {
            return Base256(block, offset, length);
        }

        // Octal: leading and trailing spaces and NULs are padding; an empty field is 0.
        var start = offset;
        var end = offset + length;
        while (start < end && (block[start] == (byte)' ' || block[start] == 0))
        {
            start++;
        }

        while (end > start && (block[end - 1] == (byte)' ' || block[end - 1] == 0))
        {
            end--;
        }

        long value = 0;
        for (var i = start; i < end; i++)
        {
            var digit = block[i] - (byte)'0';
            if (digit < 0 || digit > 7 || value > (long.MaxValue >> 3))
            {
                return null;
            }

            value = (value << 3) | (uint)digit;
        }

        return value;
    }

    private static long? Base256(byte[] block, int offset, int length)
    {
        // The first byte's 0x80 marks the encoding; 0x40 is the sign. Negative values are ones' complemented as Go reads them.
        var invert = (block[offset] & 0x40) != 0 ? (byte)0xFF : (byte)0;
        ulong value = 0;
        for (var i = 0; i < length; i++)
        {
            var b = (byte)(block[offset + i] ^ invert);
            if (i == 0)
            {
                b &= 0x7F;
            }

            if ((value >> 56) != 0)
            {
                return null; // more than 64 bits
            }

            value = (value << 8) | b;
        }

        if ((value >> 63) != 0)
        {
            return null;
        }

        return invert == 0xFF ? ~(long)value : (long)value;
    }
}
