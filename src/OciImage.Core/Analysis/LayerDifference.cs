namespace OciImage.Core.Analysis;

/// <summary>One layer of a comparison, with its place and size in each image that has it.</summary>
public sealed class LayerDifference
{
    public LayerDifference(LayerChange change, string? matchedBy, LayerSide? reference, LayerSide? difference)
    {
        Change = change;
        MatchedBy = matchedBy;
        Reference = reference;
        Difference = difference;
    }

    public LayerChange Change { get; }

    /// <summary>For a shared layer: "Digest" (the same blob), or "DiffId" (the same tar, compressed differently).</summary>
    public string? MatchedBy { get; }

    public LayerSide? Reference { get; }

    public LayerSide? Difference { get; }
}
