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

    /// <summary>A file as an artifact layer (an SBOM, a signature): its digest, size, media type and file name as title.</summary>
    public static NewLayer FromFile(string path, string mediaType)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new Errors.FileNotFoundOciException(path);
        }

        using var stream = System.IO.File.OpenRead(path);
        var (digest, size) = Digest.Compute(stream);
        var descriptor = new Model.Descriptor
        {
            MediaType = mediaType,
            Digest = digest,
            Size = size,
            Annotations = new System.Collections.Generic.Dictionary<string, string> { ["org.opencontainers.image.title"] = System.IO.Path.GetFileName(path) },
        };
        return new NewLayer(descriptor, digest, null, path);
    }
}
