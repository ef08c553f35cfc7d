using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.Images;

/// <summary>Which layers of an image a caller means: by digest, by position (negative counts from the top), or all.</summary>
internal static class LayerSelection
{
    public static IReadOnlyList<int> Select(ImageManifest image, Reference reference, int? position, Digest? digest)
    {
        var layers = image.Layers;
        if (digest is { } wanted)
        {
            var matches = Enumerable.Range(0, layers.Count).Where(i => layers[i].Digest == wanted).ToList();
            return matches.Count > 0
                ? matches
                : throw new ManifestUnknownException(reference.ToString(), $"the image has no layer {wanted}");
        }

        if (position is { } index)
        {
            var at = index < 0 ? layers.Count + index : index;
            return at >= 0 && at < layers.Count
                ? new[] { at }
                : throw new LayerIndexOutOfRangeException(reference.ToString(), index, layers.Count);
        }

        return Enumerable.Range(0, layers.Count).ToList();
    }
}
