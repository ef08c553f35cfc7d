using System.Collections.Generic;

namespace OciImage.Core.Layers;

/// <summary>What a planned layer entry becomes in the tar.</summary>
internal enum PlannedKind
{
    Directory,
    File,
    Symlink,
    Whiteout,

    /// <summary>A device or FIFO: a header only.</summary>
    Special,

    /// <summary>Another name of a file earlier in the layer (LinkTarget).</summary>
    HardLink,
}

/// <summary>One tar entry to write: where it goes, what it is, and where its bytes come from.</summary>
internal sealed class PlannedEntry
{
    public PlannedEntry(string path, PlannedKind kind, TreeEntry? source, int mode)
    {
        Path = path;
        Kind = kind;
        Source = source;
        Mode = mode;
    }

    public string Path { get; }

    public PlannedKind Kind { get; }

    public TreeEntry? Source { get; }

    public int Mode { get; }

    /// <summary>For a hard link: the path in the layer of the file it names.</summary>
    public string? LinkTarget { get; init; }
}

/// <summary>The sorted entries of a layer.</summary>
internal sealed class LayerPlan
{
    public LayerPlan(IReadOnlyList<PlannedEntry> entries) => Entries = entries;

    public IReadOnlyList<PlannedEntry> Entries { get; }
}
