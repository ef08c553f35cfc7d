using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// Builds a multi-platform index from manifests already in the target store, each entry's platform read from
/// its config. Starting from an existing index, an entry for the same platform is replaced, so an index can be
/// edited a platform at a time.
/// </summary>
internal static class IndexComposer
{
    public static async Task<ImageIndex> ComposeAsync(IImageStore target, IReadOnlyList<Reference> manifests, ImageIndex? start, IReadOnlyList<Platform>? remove, IReadOnlyDictionary<string, string>? annotations, bool docker, CancellationToken cancellationToken)
    {
        var entries = start?.Manifests.ToList() ?? new List<Descriptor>();
        if (remove is not null)
        {
            entries.RemoveAll(e => e.Platform is not null && remove.Any(p => p.Matches(e.Platform)));
        }

        foreach (var reference in manifests)
        {
            var manifest = await target.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
            if (manifest is not ImageManifest image)
            {
                throw new UnsupportedMediaTypeException(reference.ToString(), manifest.MediaType + " (an index entry here must be an image manifest)");
            }

            var config = await ImageReader.GetConfigAsync(target, image, cancellationToken).ConfigureAwait(false);
            var platform = config.Platform;
            entries.RemoveAll(e => e.Platform is not null && e.Platform.Equals(platform));
            entries.RemoveAll(e => e.Digest == image.Digest);
            entries.Add(image.ToDescriptor(null, new Platform(platform.OS, platform.Architecture, platform.Variant, platform.OSVersion, platform.OSFeatures)));
        }

        return ManifestParser.Create(new ImageIndex
        {
            SchemaVersion = 2,
            DeclaredMediaType = docker ? MediaTypes.DockerManifestList : MediaTypes.OciIndex,
            Manifests = entries,
            Annotations = annotations is null || annotations.Count == 0 || docker ? null : new SortedDictionary<string, string>(annotations.ToDictionary(p => p.Key, p => p.Value)),
        });
    }
}
