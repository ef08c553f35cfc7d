namespace OciImage.Core.Layers;

/// <summary>
/// What a tar entry of a layer is: the kinds its type flag gives, and the two OCI whiteout names. The one enum
/// for a layer's entries, whoever reads them: <see cref="LayerItem.Type"/> holds the type flag's kind only (a
/// whiteout is a File there, as the tar has it), <see cref="LayerItem.Kind"/> and the analysis name whiteouts.
/// </summary>
public enum EntryKind
{
    File,
    Directory,
    Symlink,
    HardLink,
    CharacterDevice,
    BlockDevice,
    Fifo,

    /// <summary>A .wh.NAME entry: NAME of the layers below is deleted. Its path in the analysis is NAME's.</summary>
    Whiteout,

    /// <summary>A .wh..wh..opq entry: what the layers below hold in the directory is hidden. Its path in the analysis is the directory's.</summary>
    OpaqueDirectory,
    Other,
}
