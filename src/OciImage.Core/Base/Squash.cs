using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Model;

namespace OciImage.Core.Base;

/// <summary>
/// Squashes an image's layers above <paramref name="baseLayers"/> (0: all of them, crane flatten) into one, keeping
/// the base's layers as they are so they stay shared; config, annotations and style stay the image's, history
/// keeps the base's entries and gets one for the squashed layer.
/// </summary>
internal static class Squash
{
    public static async Task<(ImageManifest Manifest, string Detail)> SquashAsync(ImageHandle image, int baseLayers, string? tag, IEngineLog log, CancellationToken cancellationToken)
    {
        var layers = image.Manifest.Layers;
        var above = layers.Skip(baseLayers).ToList();
        var createdBy = baseLayers == 0 ? $"Merge-OciLayer: {layers.Count} layers of {image.Manifest.Digest} squashed" : $"Merge-OciLayer: {above.Count} layers above the base squashed";
        var squashed = await LayerSquash.SquashAsync(image.Store, above, baseLayers, overBase: baseLayers > 0, createdBy, cancellationToken).ConfigureAwait(false);
        try
        {
            var config = ConfigSurgery.Of(image.Config);
            config.ReplaceLayersAbove(baseLayers, squashed.Layer.DiffId, createdBy, "squashed");
            var manifest = await RewrittenImage.WriteAsync(image, config.ToBytes(), layers.Take(baseLayers).Append(squashed.Layer.Descriptor).ToList(),
                System.Array.Empty<(Stores.IImageStore, Descriptor)>(), squashed.Layer, image.Manifest.Annotations, tag, log, cancellationToken).ConfigureAwait(false);
            return (manifest, $"{above.Count} layers into 1 ({squashed.Entries} entries kept, {squashed.DroppedEntries} overwritten or removed), {baseLayers} base layers kept");
        }
        finally
        {
            IO.AtomicFile.TryDelete(squashed.TempFile);
        }
    }
}
