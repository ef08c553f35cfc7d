using System.Collections.Generic;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage;

/// <summary>Joins a manifest's layer descriptors with the config's DiffIDs and history, in layer order.</summary>
internal static class LayerListing
{
    public static IReadOnlyList<OciLayer> Describe(ImageHandle image)
    {
        var config = image.Config;
        var layout = image.Store as ILocalBlobs;
        var layers = image.Manifest.Layers;
        var diffIds = config.RootFs.DiffIds;
        var history = config.LayerHistory();
        var result = new List<OciLayer>(layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var entry = i < history.Count ? history[i] : null;
            result.Add(new OciLayer
            {
                Reference = image.Reference.ToString(),
                Index = i,
                Digest = layer.Digest.ToString(),
                DiffId = i < diffIds.Count ? diffIds[i].ToString() : null,
                Size = layer.Size,
                MediaType = layer.MediaType,
                CreatedBy = entry?.CreatedBy,
                Created = entry?.Created?.UtcDateTime,
                BlobPath = layout?.BlobPath(layer.Digest),
            });
        }

        return result;
    }
}
