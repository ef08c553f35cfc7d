using OciImage.Core.Layers;

namespace OciImage.Core.Analysis;

/// <summary>
/// One tar entry of a layer, as the analysis keeps it: no content, only what the header says, and the content's
/// digest when it was asked for. <see cref="Path"/> has no leading '/' and no "./"; for a whiteout it is the path
/// deleted, for an opaque marker the directory; <see cref="EntryName"/> is the entry's own path as dive sees it.
/// </summary>
public sealed class LayerEntry
{
    public LayerEntry(string path, string entryName, EntryKind kind, long size, int mode, long userId, long groupId, string? linkTarget, System.DateTime modified, string? contentDigest)
    {
        Path = path;
        EntryName = entryName;
        Kind = kind;
        Size = size;
        Mode = mode;
        UserId = userId;
        GroupId = groupId;
        LinkTarget = linkTarget;
        Modified = modified;
        ContentDigest = contentDigest;
    }

    public string Path { get; }

    /// <summary>The entry's path in the tar, cleaned (a whiteout keeps its .wh. name).</summary>
    public string EntryName { get; }

    public EntryKind Kind { get; }

    /// <summary>The size in the tar header.</summary>
    public long Size { get; }

    /// <summary>Permission, setuid, setgid and sticky bits.</summary>
    public int Mode { get; }

    public long UserId { get; }

    public long GroupId { get; }

    public string? LinkTarget { get; }

    public System.DateTime Modified { get; }

    /// <summary>sha256:… of a regular file's content, when the scan hashed contents; otherwise null.</summary>
    public string? ContentDigest { get; }

    public bool IsDirectory => Kind == EntryKind.Directory;

    /// <summary>Whiteouts and opaque markers change what is below; every other kind puts a path in the file system.</summary>
    public bool IsMarker => Kind is EntryKind.Whiteout or EntryKind.OpaqueDirectory;
}
