namespace OciImage.Core.Analysis;

/// <summary>How a path differs between two images' file systems, most telling first.</summary>
public enum FileChange
{
    Added,
    Removed,

    /// <summary>A different kind (a file became a directory or a symlink…).</summary>
    TypeChanged,

    /// <summary>A file or hard link whose bytes differ by size or digest (same bytes rewritten is not Modified; a hard link counts the bytes it names).</summary>
    Modified,

    /// <summary>A symlink or hard link that points elsewhere (a file that became a hard link, or the reverse, is no change unless its bytes are).</summary>
    LinkChanged,
    ModeChanged,
    OwnerChanged,
}
