using System;
using System.Collections.Generic;

namespace OciImage.Core.Layers.Tar;

/// <summary>
/// One tar entry as <see cref="TarReader"/> gives it: every field already merged from where it may come from
/// (the ustar/GNU header, GNU long name and long link entries, global and local PAX records), so a caller never
/// sees a special header and never a field cut at its header width.
/// </summary>
internal sealed class TarHeader
{
    internal static readonly IReadOnlyDictionary<string, byte[]> NoXattrs = new Dictionary<string, byte[]>();

    /// <summary>The full name, as the archive has it (no normalisation).</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>The full target of a symbolic or hard link; empty for other entries.</summary>
    public string LinkName { get; internal set; } = string.Empty;

    /// <summary>The type flag byte ('0', '5', '2'...; NUL is read as '0').</summary>
    public byte TypeFlag { get; internal set; }

    /// <summary>The mode field as written; Go's writers include the file-type bits, so mask with 07777 for permissions.</summary>
    public long Mode { get; internal set; }

    /// <summary>Up to 2^32-1 (PAX uid), or whatever a base-256 field holds.</summary>
    public long UserId { get; internal set; }

    public long GroupId { get; internal set; }

    public string UserName { get; internal set; } = string.Empty;

    public string GroupName { get; internal set; } = string.Empty;

    /// <summary>The bytes of content that follow (0 for header-only types: links, directories, devices, FIFOs).</summary>
    public long Size { get; internal set; }

    /// <summary>UTC, with the PAX fraction of a second when there is one (to the 100 ns a DateTime holds).</summary>
    public DateTime ModTime { get; internal set; }

    public long DevMajor { get; internal set; }

    public long DevMinor { get; internal set; }

    /// <summary>Extended attributes from SCHILY.xattr.NAME and LIBARCHIVE.xattr.NAME records (the latter decoded), by name.</summary>
    public IReadOnlyDictionary<string, byte[]> Xattrs { get; internal set; } = NoXattrs;

    public TarFormat Format { get; internal set; }
}

/// <summary>Which header layout an entry was written in (PAX and GNU extensions noted where they were used).</summary>
[Flags]
internal enum TarFormat
{
    V7 = 0,
    Ustar = 1,
    Gnu = 2,
    Pax = 4,
    Star = 8,
}
