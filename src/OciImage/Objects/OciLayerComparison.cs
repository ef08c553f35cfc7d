using OciImage.Core.Analysis;

namespace OciImage;

/// <summary>One layer of Compare-OciImage: Shared (by digest, or by DiffID when only the compression differs), Added or Removed.</summary>
public sealed class OciLayerComparison
{
    internal OciLayerComparison(LayerDifference difference)
    {
        Change = difference.Change.ToString();
        MatchedBy = difference.MatchedBy;
        ReferenceIndex = difference.Reference?.Index;
        DifferenceIndex = difference.Difference?.Index;
        ReferenceDigest = difference.Reference?.Descriptor.Digest.ToString();
        DifferenceDigest = difference.Difference?.Descriptor.Digest.ToString();
        DiffId = (difference.Difference?.DiffId ?? difference.Reference?.DiffId)?.ToString();
        ReferenceSize = difference.Reference?.Descriptor.Size;
        DifferenceSize = difference.Difference?.Descriptor.Size;
        CreatedBy = difference.Difference?.CreatedBy ?? difference.Reference?.CreatedBy;
    }

    /// <summary>Shared, Added (only in the difference image) or Removed (only in the reference image).</summary>
    public string Change { get; }

    /// <summary>For a shared layer: Digest (the same blob) or DiffId (the same tar, compressed differently).</summary>
    public string? MatchedBy { get; }

    public int? ReferenceIndex { get; }

    public int? DifferenceIndex { get; }

    public string? ReferenceDigest { get; }

    public string? DifferenceDigest { get; }

    public string? DiffId { get; }

    /// <summary>The blob's size in the reference image.</summary>
    public long? ReferenceSize { get; }

    /// <summary>The blob's size in the difference image.</summary>
    public long? DifferenceSize { get; }

    public string? CreatedBy { get; }

    public override string ToString() => Change + " " + (DifferenceDigest ?? ReferenceDigest);
}
