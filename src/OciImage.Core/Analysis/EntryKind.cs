namespace OciImage.Core.Analysis;

/// <summary>What a tar entry of a layer is, whiteouts and opaque-directory markers named as such.</summary>
public enum EntryKind
{
    File,
    Directory,
    Symlink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,

    /// <summary>A .wh.NAME entry: NAME of the layers below is deleted. Its path is NAME's.</summary>
    Whiteout,

    /// <summary>A .wh..wh..opq entry: what the layers below hold in the directory is hidden. Its path is the directory's.</summary>
    OpaqueDirectory,
    Other,
}
