using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>Reads images from any store: resolve a reference, choose a platform, read the config.</summary>
internal static class ImageReader
{
    /// <summary>Configs are small; refuse a hostile one that claims to be huge.</summary>
    public const long MaxConfigSize = 64L * 1024 * 1024;

    /// <summary>
    /// Resolves a reference to its manifest. An index with a platform asked for yields that platform's image;
    /// without one, the index itself.
    /// </summary>
    /// <param name="strictPlatform">
    /// false where the platform only chooses among an index's images and a single image is taken as it is (the
    /// base of a new image, whose -Platform names the new image's platform).
    /// </param>
    public static async Task<ResolvedImage> ResolveAsync(IImageStore store, Reference reference, Platform? platform, CancellationToken cancellationToken, bool strictPlatform = true)
    {
        var manifest = await store.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        var descriptor = manifest.ToDescriptor();
        var resolved = new ResolvedImage(reference.WithDigest(descriptor.Digest), descriptor, manifest, descriptor.Platform);
        if (strictPlatform && platform is not null && manifest is ImageManifest image)
        {
            await CheckPlatformAsync(store, resolved, image, platform, cancellationToken).ConfigureAwait(false);
        }

        if (platform is null || manifest is not ImageIndex index)
        {
            return resolved;
        }

        return await SelectPlatformAsync(store, resolved, index, platform, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves to one image manifest: through the index by platform, or the index's only image when it has one.
    /// </summary>
    public static async Task<ResolvedImage> ResolveImageAsync(IImageStore store, Reference reference, Platform? platform, CancellationToken cancellationToken, bool strictPlatform = true)
    {
        var resolved = await ResolveAsync(store, reference, platform, cancellationToken, strictPlatform).ConfigureAwait(false);
        if (resolved.Manifest is not ImageIndex index)
        {
            return resolved;
        }

        var images = RunnableImages(index).ToList();
        if (images.Count == 1)
        {
            var only = await store.GetManifestAsync(images[0], cancellationToken).ConfigureAwait(false);
            return new ResolvedImage(reference.WithDigest(images[0].Digest), images[0], only, images[0].Platform);
        }

        throw new PlatformNotFoundException(reference.ToString(),
            $"it is an index of {images.Count} images ({DescribePlatforms(index)}); choose one with -Platform") { Target = reference };
    }

    /// <summary>
    /// A platform asked of a single image is checked against its config, never ignored: a script that asks for
    /// linux/arm64 must not be handed an amd64 image. Artifacts (no image config) and configs that give no
    /// platform pass, as there is nothing to compare.
    /// </summary>
    private static async Task CheckPlatformAsync(IImageStore store, ResolvedImage resolved, ImageManifest image, Platform wanted, CancellationToken cancellationToken)
    {
        if (!MediaTypes.IsImageConfig(image.Config.MediaType))
        {
            return;
        }

        var config = await GetConfigAsync(store, image, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(config.OS) || string.IsNullOrEmpty(config.Architecture))
        {
            return;
        }

        var actual = new Platform(config.OS, config.Architecture, config.Variant);
        if (wanted.CompatibilityRank(actual) is null)
        {
            throw new PlatformNotFoundException(resolved.Reference.ToString(),
                $"it is a single image for {actual}, not for {wanted}") { Target = resolved.Reference };
        }
    }

    /// <summary>Reads and verifies an image's config.</summary>
    public static async Task<ImageConfig> GetConfigAsync(IImageStore store, ImageManifest manifest, CancellationToken cancellationToken)
    {
        var what = $"config {manifest.Config.Digest} of {store.Location}";
        var stream = await store.OpenBlobAsync(manifest.Config, cancellationToken).ConfigureAwait(false);
        var raw = await BlobReading.ReadAllAsync(stream, manifest.Config, MaxConfigSize, what, cancellationToken).ConfigureAwait(false);
        return ImageConfig.Parse(raw, what);
    }

    /// <summary>The platforms of an index, as "linux/amd64, linux/arm64/v8".</summary>
    public static string DescribePlatforms(ImageIndex index)
    {
        var platforms = index.Platforms();
        return platforms.Count == 0 ? "no platforms given" : string.Join(", ", platforms);
    }

    /// <summary>Entries that are images to run: not attestations (platform unknown/unknown).</summary>
    private static IEnumerable<Descriptor> RunnableImages(ImageIndex index) =>
        index.Manifests.Where(m => MediaTypes.IsImageManifest(m.MediaType) && m.Platform?.OS != "unknown");

    /// <summary>Follows the best entry for the platform down through nested indexes, a loop bounded by <see cref="ManifestGraph.MaxIndexDepth"/>.</summary>
    private static async Task<ResolvedImage> SelectPlatformAsync(IImageStore store, ResolvedImage parent, ImageIndex index, Platform platform, CancellationToken cancellationToken)
    {
        for (var depth = 1; ; depth++)
        {
            var entry = PlatformChoice.Best(platform, index.Manifests.Where(m => MediaTypes.IsManifest(m.MediaType))).FirstOrDefault()
                ?? throw new PlatformNotFoundException(parent.Reference.ToString(),
                    $"the index has no image for {platform} (it has {DescribePlatforms(index)})") { Target = parent.Reference };
            var child = await store.GetManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            var resolved = new ResolvedImage(parent.Reference.WithDigest(entry.Digest), entry, child, entry.Platform);
            if (child is not ImageIndex nested)
            {
                return resolved;
            }

            if (depth >= ManifestGraph.MaxIndexDepth)
            {
                throw new IndexTooDeepException(parent.Reference.ToString(), ManifestGraph.MaxIndexDepth) { Target = parent.Reference };
            }

            parent = resolved;
            index = nested;
        }
    }
}
