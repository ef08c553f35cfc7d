using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>Describes a layer blob known only by digest: its size, media type (by magic bytes) and DiffID, in one read.</summary>
internal static class LayerDiffId
{
    public static async Task<(Descriptor Descriptor, Digest DiffId)> DescribeAsync(IImageStore store, Digest digest, CancellationToken cancellationToken)
    {
        var size = await store.StatBlobAsync(digest, cancellationToken).ConfigureAwait(false)
            ?? throw new Errors.BlobUnknownException(store.Location.ToString(), digest);
        var probe = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = digest, Size = size };
        using var blob = await store.OpenBlobAsync(probe, cancellationToken).ConfigureAwait(false);
        var (compression, whole) = Compressions.Peek(new BufferedStream(blob, 1 << 16));
        var what = $"layer {digest}";
        using var tar = Compressions.Decompress(whole, compression, what);
        var (diffId, _) = Digest.Compute(tar);
        return (new Descriptor { MediaType = Compressions.LabelFor(compression, what), Digest = digest, Size = size }, diffId);
    }
}
