using System;
using OciImage.Core;
using OciImage.Core.Layers;

namespace OciImage;

/// <summary>One entry of a layer, as Get-OciLayerItem lists it.</summary>
public sealed class OciLayerItem
{
    public OciLayerItem(LayerItem item, int layerIndex, Digest? layerDigest)
    {
        Path = "/" + item.Path;
        Type = item.Type.ToString();
        Size = item.Size;
        Mode = item.Mode;
        LinkTarget = item.LinkTarget;
        IsWhiteout = item.IsWhiteout;
        Modified = item.Modified;
        UserId = item.UserId;
        GroupId = item.GroupId;
        Xattrs = item.Xattrs.Count == 0 ? null : System.Linq.Enumerable.ToDictionary(item.Xattrs, x => x.Key, x => x.Value, StringComparer.Ordinal);
        LayerIndex = layerIndex;
        LayerDigest = layerDigest?.ToString();
    }

    /// <summary>A path of the merged file system (Get-OciLayerItem -Merged): the layer that last wrote it and the ones it shadows.</summary>
    internal OciLayerItem(Core.Analysis.MergedEntry merged, string? layerDigest, string? reference = null)
    {
        Reference = reference;
        var entry = merged.Entry;
        Path = merged.Path;
        Type = entry.Kind.ToString();
        Size = entry.Size;
        Mode = entry.Mode;
        LinkTarget = entry.LinkTarget;
        Modified = entry.Modified;
        UserId = entry.UserId;
        GroupId = entry.GroupId;
        LayerIndex = merged.LayerIndex;
        LayerDigest = layerDigest;
        ShadowedLayers = System.Linq.Enumerable.ToArray(merged.ShadowedLayers);
    }

    public string Path { get; }

    /// <summary>File, Directory, Symlink, HardLink, CharacterDevice, BlockDevice, Fifo or Other.</summary>
    public string Type { get; }

    public long Size { get; }

    public int Mode { get; }

    /// <summary>The mode as ls and tar -v show it, such as rwxr-xr-x, rwsr-xr-x (setuid) or rwxrwxrwt (sticky).</summary>
    public string Permissions
    {
        get
        {
            const string letters = "rwxrwxrwx";
            var chars = new char[9];
            for (var i = 0; i < 9; i++)
            {
                chars[i] = (Mode & (1 << (8 - i))) != 0 ? letters[i] : '-';
            }

            // setuid, setgid and sticky take the execute places: lower case over x, upper case where x is not set.
            Special(chars, 2, 0x800, 's');
            Special(chars, 5, 0x400, 's');
            Special(chars, 8, 0x200, 't');
            return new string(chars);
        }
    }

    private void Special(char[] chars, int at, int bit, char letter)
    {
        if ((Mode & bit) != 0)
        {
            chars[at] = chars[at] == 'x' ? letter : char.ToUpperInvariant(letter);
        }
    }

    /// <summary>The mode as octal text, such as 0644 or 4755 (setuid): what chmod and tar -v show.</summary>
    public string OctalMode => Convert.ToString(Mode & 0xFFF, 8).PadLeft(4, '0');

    /// <summary>The layer's position, base 0: the view's Layer column, so <c>Where-Object Layer -eq 1</c> means what it shows.</summary>
    public int Layer => LayerIndex;

    public string? LinkTarget { get; }

    /// <summary>A .wh. entry: deletes a path of a lower layer (or, .wh..wh..opq, hides a directory's content).</summary>
    public bool IsWhiteout { get; }

    public DateTime Modified { get; }

    public long UserId { get; }

    public long GroupId { get; }

    /// <summary>Extended attributes the entry's PAX records carry (SCHILY.xattr.*, LIBARCHIVE.xattr.*), by name; null when none (and with -Merged).</summary>
    public System.Collections.Generic.Dictionary<string, byte[]>? Xattrs { get; }

    public int LayerIndex { get; }

    /// <summary>The digest of the layer that holds the entry.</summary>
    public string? LayerDigest { get; }

    /// <summary>With -Merged: the lower layers whose copies of the path this one overwrote (their bytes still ship); otherwise null.</summary>
    public int[]? ShadowedLayers { get; }

    /// <summary>With -Merged: the image, pinned to its digest, so <c>Get-OciLayerItem -Merged … | Get-OciContent</c> reads the file; otherwise null.</summary>
    public string? Reference { get; }

    public override string ToString() => Path;
}
