namespace OciImage.Core.Images;

/// <summary>A layer to add to an image: its descriptor, DiffID and history line, and where its bytes are.</summary>
public sealed class NewLayer
{
    public NewLayer(Model.Descriptor descriptor, Digest diffId, string? createdBy, string? blobPath)
    {
        Descriptor = descriptor;
        DiffId = diffId;
        CreatedBy = createdBy;
        BlobPath = blobPath;
    }

    public Model.Descriptor Descriptor { get; }

    public Digest DiffId { get; }

    public string? CreatedBy { get; }

    /// <summary>A file with the blob, or null when the blob is already in the target store.</summary>
    public string? BlobPath { get; }
}
