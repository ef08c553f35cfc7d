using OciImage.Core.Model;

namespace OciImage.Core.Analysis;

/// <summary>One layer of an analysed image: its blob, its history line, its size as dive counts it and what it changed.</summary>
public sealed class LayerAnalysis
{
    public LayerAnalysis(int index, Descriptor descriptor, Digest? diffId, string? createdBy, long uncompressedSize, LayerChanges changes)
    {
        Index = index;
        Descriptor = descriptor;
        DiffId = diffId;
        CreatedBy = createdBy;
        UncompressedSize = uncompressedSize;
        Changes = changes;
    }

    public int Index { get; }

    public Descriptor Descriptor { get; }

    public Digest? DiffId { get; }

    public string? CreatedBy { get; }

    /// <summary>Σ of the sizes in the layer's tar headers (dive's layer size), not the tar's length.</summary>
    public long UncompressedSize { get; }

    public LayerChanges Changes { get; }
}
