using System.Collections.Generic;
using OciImage.Core.Model;

namespace OciImage.Core.Analysis;

/// <summary>A layer read once: its descriptor and its tar entries in tar order, without their contents.</summary>
public sealed class ScannedLayer
{
    public ScannedLayer(int index, Descriptor descriptor, IReadOnlyList<LayerEntry> entries)
    {
        Index = index;
        Descriptor = descriptor;
        Entries = entries;
        long sum = 0;
        foreach (var entry in entries)
        {
            sum += entry.Size;
        }

        HeaderSize = sum;
    }

    public int Index { get; }

    public Descriptor Descriptor { get; }

    public IReadOnlyList<LayerEntry> Entries { get; }

    /// <summary>Σ of the sizes in the layer's tar headers (every entry): the layer's size as dive counts it.</summary>
    public long HeaderSize { get; }
}
