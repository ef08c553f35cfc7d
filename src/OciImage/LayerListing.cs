using OciImage.Core.Verbs;

namespace OciImage;

/// <summary>Shows an engine <see cref="ImageLayer"/> as the module's OciLayer.</summary>
internal static class LayerListing
{
    public static OciLayer Describe(ImageLayer layer) => new()
    {
        Reference = layer.Image.ToString(),
        Index = layer.Index,
        Digest = layer.Layer.Digest.ToString(),
        DiffId = layer.DiffId?.ToString(),
        Size = layer.Layer.Size,
        MediaType = layer.Layer.MediaType,
        CreatedBy = layer.History?.CreatedBy,
        Created = layer.History?.Created?.UtcDateTime,
        BlobPath = layer.BlobPath,
    };
}
