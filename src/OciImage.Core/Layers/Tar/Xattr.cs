using System;
using System.Collections.Generic;

namespace OciImage.Core.Layers.Tar;

/// <summary>
/// Extended attributes in PAX records: SCHILY.xattr.NAME=raw value (star, GNU tar, Go) and
/// LIBARCHIVE.xattr.URL-ENCODED-NAME=base64 value (bsdtar, which writes both; the SCHILY one wins).
/// </summary>
internal static class Xattr
{
    public const string Schily = "SCHILY.xattr.";
    public const string Libarchive = "LIBARCHIVE.xattr.";

    public static void Add(Dictionary<string, byte[]> xattrs, string key, byte[] value)
    {
        if (key.StartsWith(Schily, StringComparison.Ordinal))
        {
            xattrs[key.Substring(Schily.Length)] = value;
            return;
        }

        var name = Uri.UnescapeDataString(key.Substring(Libarchive.Length));
        if (!xattrs.ContainsKey(name))
        {
            xattrs[name] = FromBase64(value);
        }
    }

    /// <summary>libarchive leaves out the '=' padding; a value that is not base64 is kept as it is.</summary>
    private static byte[] FromBase64(byte[] value)
    {
        var text = System.Text.Encoding.ASCII.GetString(value);
        text = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return value;
        }
    }
}
