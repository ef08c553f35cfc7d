using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Base;

/// <summary>
/// Finds the base of an image for one platform: named (a reference) or recorded (base.name at base.digest), and
/// proves by DiffID that its layers are the bottom of the image. Stores it opens stay open until disposed.
/// </summary>
internal sealed class BaseLookup : System.IDisposable
{
    private readonly StoreContext _context;
    private readonly Dictionary<string, IImageStore> _stores = new();

    public BaseLookup(StoreContext context) => _context = context;

    /// <summary>The base named, or the recorded one when <paramref name="named"/> is null, for the image's platform.</summary>
    public async Task<ImageHandle> OldBaseAsync(ImageHandle image, Reference? named, CancellationToken cancellationToken)
    {
        var reference = named ?? Recorded(image);
        var found = await OpenAsync(reference, image.Config.Platform, cancellationToken).ConfigureAwait(false);
        CheckPrefix(image, found.Image, reference);
        return found.Image;
    }

    /// <summary>An image by reference for a platform, with the digest the reference itself resolved to (an index's, for a multi-platform one).</summary>
    public async Task<(ImageHandle Image, Digest Top)> OpenAsync(Reference reference, Platform platform, CancellationToken cancellationToken)
    {
        var key = reference.WithoutIdentifier().ToString();
        if (!_stores.TryGetValue(key, out var store))
        {
            store = ImageStores.OpenForRead(reference, _context);
            _stores[key] = store;
        }

        var top = await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        var image = await ImageHandle.OpenAsync(store, reference.WithDigest(top.Digest), platform, cancellationToken, strictPlatform: false).ConfigureAwait(false);
        return (image, top.Digest);
    }

    /// <summary>base.name pinned to base.digest: the very base the image was built on, even after its tag moved.</summary>
    public static Reference Recorded(ImageHandle image)
    {
        var recorded = BaseAnnotations.Of(image.Manifest) ?? throw new BaseNotRecordedException(image.Reference.ToString()) { Target = image.Reference };
        return Reference.Parse(recorded.Name).WithoutIdentifier().WithDigest(Digest.Parse(recorded.Digest));
    }

    /// <summary>The name a recorded base is looked up by today (its tag).</summary>
    public static Reference RecordedName(ImageHandle image)
    {
        var recorded = BaseAnnotations.Of(image.Manifest) ?? throw new BaseNotRecordedException(image.Reference.ToString()) { Target = image.Reference };
        return Reference.Parse(recorded.Name);
    }

    private static void CheckPrefix(ImageHandle image, ImageHandle baseImage, Reference named)
    {
        var imageLayers = image.Config.RootFs.DiffIds;
        var baseLayers = baseImage.Config.RootFs.DiffIds;
        if (baseLayers.Count > imageLayers.Count)
        {
            throw new BaseNotAPrefixException(image.Reference.ToString(), named.ToString(), $"the base has {baseLayers.Count} layers, the image only {imageLayers.Count}") { Target = image.Reference };
        }

        var shared = BaseCheck.SharedPrefix(imageLayers, baseLayers);
        if (shared < baseLayers.Count)
        {
            throw new BaseNotAPrefixException(image.Reference.ToString(), named.ToString(), $"layer {shared} differs (DiffID {baseLayers[shared]} in the base, {imageLayers[shared]} in the image)") { Target = image.Reference };
        }
    }

    public void Dispose()
    {
        foreach (var store in _stores.Values.Distinct())
        {
            store.Dispose();
        }
    }
}
