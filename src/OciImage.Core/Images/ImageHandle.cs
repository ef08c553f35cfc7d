using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// One image bound to the store it lives in (go-containerregistry's v1.Image): its manifest and config read and
/// verified once, and the store to read its blobs from. Travels between operations instead of a store, a
/// resolved manifest and a config that must be kept together by hand.
/// </summary>
public sealed class ImageHandle
{
    private ImageHandle(IImageStore store, Reference reference, ImageManifest manifest, ImageConfig config)
    {
        Store = store;
        Reference = reference;
        Manifest = manifest;
        Config = config;
    }

    public IImageStore Store { get; }

    /// <summary>The reference as asked for, pinned to the manifest's digest.</summary>
    public Reference Reference { get; }

    public ImageManifest Manifest { get; }

    public ImageConfig Config { get; }

    /// <summary>Resolves a reference (choosing <paramref name="platform"/> from an index) to one image and reads its config.</summary>
    public static async Task<ImageHandle> OpenAsync(IImageStore store, Reference reference, Platform? platform, CancellationToken cancellationToken, bool strictPlatform = true)
    {
        var resolved = await ImageReader.ResolveImageAsync(store, reference, platform, cancellationToken, strictPlatform).ConfigureAwait(false);
        var manifest = resolved.Image!; // ResolveImageAsync hands back an image, never an index
        var config = await ImageReader.GetConfigAsync(store, manifest, cancellationToken).ConfigureAwait(false);
        return new ImageHandle(store, resolved.Reference, manifest, config);
    }
}
