namespace OciImage.Core.Layers;

/// <summary>The kind of a file in a source tree, as lstat sees it.</summary>
internal enum TreeEntryType
{
    File,
    Directory,
    Symlink,
    CharacterDevice,
    BlockDevice,
    Fifo,

    /// <summary>A second name of a file listed before it (LinkTarget is that file's path).</summary>
    HardLink,
}

/// <summary>One thing in a directory tree to be put into a layer.</summary>
internal sealed class TreeEntry
{
    public TreeEntry(string path, string fullPath, TreeEntryType type, long size, int? mode, string? linkTarget)
    {
        Path = path;
        FullPath = fullPath;
        Type = type;
        Size = size;
        Mode = mode;
        LinkTarget = linkTarget;
    }

    /// <summary>Relative, with '/' separators, no leading or trailing slash.</summary>
    public string Path { get; }

    /// <summary>Where it is on disk.</summary>
    public string FullPath { get; }

    public TreeEntryType Type { get; }

    public long Size { get; }

    /// <summary>POSIX permission bits, or null where the file system has none (Windows).</summary>
    public int? Mode { get; }

    public string? LinkTarget { get; }

    /// <summary>For a device: its major and minor numbers.</summary>
    public int DeviceMajor { get; init; }

    public int DeviceMinor { get; init; }

    /// <summary>The file system and inode of a file, where lstat is available: equal for two names of one file.</summary>
    public (long FileSystem, long Inode)? FileIdentity { get; init; }
}
