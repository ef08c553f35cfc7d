using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Model;

namespace OciImage.Core.Base;

/// <summary>
/// crane rebase: the old base's layers (proved a DiffID prefix of the image) give way to the new base's, the
/// image's own layers stay on top. The config is the image's (entrypoint, command, env, labels, user, author,
/// created: what the image's build set or inherited) with the new base's os, architecture, variant, os.version
/// and os.features; history is the new base's followed by the image's entries above the old base's; the base
/// annotations name the new base, the other annotations stay.
/// </summary>
internal static class Rebase
{
    public static async Task<(ImageManifest Manifest, string Detail)> RebaseAsync(ImageHandle image, ImageHandle oldBase, ImageHandle newBase, Reference newBaseName, Digest newBaseDigest,
        string? tag, IEngineLog log, CancellationToken cancellationToken)
    {
        var oldLayers = oldBase.Manifest.Layers.Count;
        var oldHistory = oldBase.Config.History?.Count ?? 0;
        var config = ConfigSurgery.Of(image.Config);
        config.Rebase(oldLayers, oldHistory, newBase.Config);
        var layers = newBase.Manifest.Layers.Concat(image.Manifest.Layers.Skip(oldLayers)).ToList();
        var borrowed = newBase.Manifest.Layers.Select(l => (newBase.Store, l)).ToList();
        var annotations = AnnotationEdit.Apply(image.Manifest.Annotations, BaseAnnotations.For(newBaseName, newBaseDigest));
        var manifest = await RewrittenImage.WriteAsync(image, config.ToBytes(), layers, borrowed, null, annotations, tag, log, cancellationToken).ConfigureAwait(false);
        return (manifest, $"{oldLayers} base layers replaced by {newBase.Manifest.Layers.Count} of {newBaseName.WithDigest(newBaseDigest)}; {image.Manifest.Layers.Count - oldLayers} layers of the image kept");
    }
}
