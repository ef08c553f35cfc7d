using System.Collections.Generic;

namespace OciImage.Core.Analysis;

/// <summary>A path of the merged file system: its entry, the layer that last wrote it, and the lower layers whose copies it overwrote.</summary>
public sealed class MergedEntry
{
    public MergedEntry(string path, LayerEntry entry, int layerIndex, IReadOnlyList<int> shadowedLayers, LayerEntry? content = null)
    {
        Path = path;
        Entry = entry;
        LayerIndex = layerIndex;
        ShadowedLayers = shadowedLayers;
        Content = content;
    }

    /// <summary>"/a/b".</summary>
    public string Path { get; }

    /// <summary>
    /// The entry that last wrote the path; for a hard link whose target a later entry replaced or removed, a File
    /// entry holding what the link kept (the old content's size, digest, mode, owner and time).
    /// </summary>
    public LayerEntry Entry { get; }

    public int LayerIndex { get; }

    /// <summary>Lower layers that held the path until a later one wrote it again, oldest first; their copies still ship.</summary>
    public IReadOnlyList<int> ShadowedLayers { get; }

    /// <summary>
    /// The file entry whose bytes the path holds: the entry itself for a file (or a symbolic link), the linked one
    /// for a hard link (every name of the same bytes gives the same entry); null for anything else or a link to nothing.
    /// </summary>
    public LayerEntry? Content { get; }
}
