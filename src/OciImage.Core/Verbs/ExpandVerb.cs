using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>Applying an image's layers into a directory: its root file system, whiteouts honoured, bounded by a size.</summary>
public static class ExpandVerb
{
    /// <summary>Expands the image a reference names into <paramref name="destination"/>; returns the number of entries applied.</summary>
    /// <param name="maxSize">The most bytes the files may add up to; null for the default (100 times the compressed size, at least 1 GiB).</param>
    /// <param name="sameOwner">Apply the layers' owners when running as root (false: tar's --no-same-owner).</param>
    public static async Task<int> ExpandAsync(Reference reference, Platform? platform, string destination, long? maxSize, bool sameOwner, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        var image = await ImageHandle.OpenAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
        return await ImageExpander.ExpandAsync(store, image.Manifest, destination, maxSize, context.Log, cancellationToken, sameOwner).ConfigureAwait(false);
    }
}
