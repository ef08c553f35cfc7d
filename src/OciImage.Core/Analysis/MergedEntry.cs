using System.Collections.Generic;

namespace OciImage.Core.Analysis;

/// <summary>A path of the merged file system: its entry, the layer that last wrote it, and the lower layers whose copies it overwrote.</summary>
public sealed class MergedEntry
{
    public MergedEntry(string path, LayerEntry entry, int layerIndex, IReadOnlyList<int> shadowedLayers)
    {
        Path = path;
        Entry = entry;
        LayerIndex = layerIndex;
        ShadowedLayers = shadowedLayers;
    }

    /// <summary>"/a/b".</summary>
    public string Path { get; }

    public LayerEntry Entry { get; }

    public int LayerIndex { get; }

    /// <summary>Lower layers that held the path until a later one wrote it again, oldest first; their copies still ship.</summary>
    public IReadOnlyList<int> ShadowedLayers { get; }
}
