using System;
using System.Collections.Generic;

namespace OciImage.Core.Layers;

/// <summary>One tar entry of a layer, as read, with its name normalised (no ./ prefix).</summary>
public sealed class LayerItem
{
    public LayerItem(string path, string rawName, EntryKind type, long size, int mode, string? linkTarget, DateTime modified, long uid, long gid,
        IReadOnlyDictionary<string, byte[]>? xattrs = null, long deviceMajor = 0, long deviceMinor = 0)
    {
        Xattrs = xattrs ?? Tar.TarHeader.NoXattrs;
        DeviceMajor = deviceMajor;
        DeviceMinor = deviceMinor;
        Path = path;
        RawName = rawName;
        Type = type;
        Size = size;
        Mode = mode;
        LinkTarget = linkTarget;
        Modified = modified;
        UserId = uid;
        GroupId = gid;
    }

    public string Path { get; }

    /// <summary>The name exactly as the tar has it.</summary>
    public string RawName { get; }

    /// <summary>The kind its tar type flag gives (never Whiteout or OpaqueDirectory: see <see cref="Kind"/>).</summary>
    public EntryKind Type { get; }

    public long Size { get; }

    public int Mode { get; }

    public string? LinkTarget { get; }

    public DateTime Modified { get; }

    /// <summary>Up to 2^32-1 (PAX uid records), so wider than an int.</summary>
    public long UserId { get; }

    public long GroupId { get; }

    /// <summary>Extended attributes from the entry's PAX records (SCHILY.xattr.*, LIBARCHIVE.xattr.*), by name.</summary>
    public IReadOnlyDictionary<string, byte[]> Xattrs { get; }

    /// <summary>A character or block device's major number (0 for every other kind).</summary>
    public long DeviceMajor { get; }

    /// <summary>A character or block device's minor number (0 for every other kind).</summary>
    public long DeviceMinor { get; }

    public string Name => Path.Substring(Path.LastIndexOf('/') + 1);

    public bool IsWhiteout => Name.StartsWith(LayerPlanner.WhiteoutPrefix, StringComparison.Ordinal);

    public bool IsOpaqueMarker => Name == LayerPlanner.OpaqueMarker;

    /// <summary>The kind with OCI whiteout names applied: an opaque marker, a whiteout, or the tar's own kind.</summary>
    public EntryKind Kind => IsOpaqueMarker ? EntryKind.OpaqueDirectory : IsWhiteout ? EntryKind.Whiteout : Type;
}
