using OciImage.Core.Analysis;

namespace OciImage;

/// <summary>One layer of a measured image: its blob, its history line, dive's size of it and what it changed in the file system below.</summary>
public sealed class OciLayerMeasurement
{
    internal OciLayerMeasurement(string reference, LayerAnalysis layer)
    {
        Reference = reference;
        Index = layer.Index;
        Digest = layer.Descriptor.Digest.ToString();
        DiffId = layer.DiffId?.ToString();
        CreatedBy = layer.CreatedBy;
        Size = layer.Descriptor.Size;
        UncompressedSize = layer.UncompressedSize;
        FilesAdded = layer.Changes.FilesAdded;
        BytesAdded = layer.Changes.BytesAdded;
        FilesChanged = layer.Changes.FilesChanged;
        BytesChanged = layer.Changes.BytesChanged;
        FilesRemoved = layer.Changes.FilesRemoved;
        BytesRemoved = layer.Changes.BytesRemoved;
    }

    /// <summary>The image that holds the layer (so the object pipes into Get-OciLayerItem).</summary>
    public string Reference { get; }

    /// <summary>Position in the manifest, from 0 (the base).</summary>
    public int Index { get; }

    public string Digest { get; }

    public string? DiffId { get; }

    public string? CreatedBy { get; }

    /// <summary>The blob's size (compressed).</summary>
    public long Size { get; }

    /// <summary>Σ of the sizes in the layer's tar headers (dive's layer size).</summary>
    public long UncompressedSize { get; }

    /// <summary>Paths (not directories) the layer adds to the file system below.</summary>
    public int FilesAdded { get; }

    public long BytesAdded { get; }

    /// <summary>Paths (not directories) the layer writes again: the lower copies still ship.</summary>
    public int FilesChanged { get; }

    public long BytesChanged { get; }

    /// <summary>Paths (not directories) its whiteouts, opaque directories or replacements remove from below.</summary>
    public int FilesRemoved { get; }

    /// <summary>Bytes of the paths removed: they still ship in the layers below.</summary>
    public long BytesRemoved { get; }

    public override string ToString() => Digest;
}
