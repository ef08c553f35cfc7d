namespace OciImage.Core.Analysis;

/// <summary>A layer as one image has it.</summary>
public sealed class LayerSide
{
    public LayerSide(int index, Model.Descriptor descriptor, Digest? diffId, string? createdBy)
    {
        Index = index;
        Descriptor = descriptor;
        DiffId = diffId;
        CreatedBy = createdBy;
    }

    public int Index { get; }

    public Model.Descriptor Descriptor { get; }

    public Digest? DiffId { get; }

    public string? CreatedBy { get; }
}
