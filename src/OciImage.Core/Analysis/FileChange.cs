namespace OciImage.Core.Analysis;

/// <summary>How a path differs between two images' file systems, most telling first.</summary>
public enum FileChange
{
    Added,
    Removed,

    /// <summary>A different kind (a file became a directory or a symlink…).</summary>
    TypeChanged,

    /// <summary>A regular file whose content digest differs (same bytes rewritten is not Modified).</summary>
    Modified,

    /// <summary>A symlink or hard link that points elsewhere.</summary>
    LinkChanged,
    ModeChanged,
    OwnerChanged,
}
