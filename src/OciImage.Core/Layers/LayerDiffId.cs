using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Layers;

/// <summary>Describes a layer blob known only by digest: its size, media type (by magic bytes) and DiffID.</summary>
public static class LayerDiffId
{
    public static async Task<(Descriptor Descriptor, Digest DiffId)> DescribeAsync(IImageStore store, Digest digest, CancellationToken cancellationToken)
    {
        var size = await store.StatBlobAsync(digest, cancellationToken).ConfigureAwait(false)
            ?? throw new Errors.BlobUnknownException(store.Location.ToString(), digest);
        var probe = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = digest, Size = size };
        string mediaType;
        using (var head = await store.OpenBlobRangeAsync(probe, 0, cancellationToken).ConfigureAwait(false))
        {
            var magic = new byte[4];
            var n = head.Read(magic, 0, 4);
            mediaType = n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b ? MediaTypes.OciLayerGzip
                : n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd ? MediaTypes.OciLayerZstd
                : MediaTypes.OciLayer;
        }

        var descriptor = new Descriptor { MediaType = mediaType, Digest = digest, Size = size };
        var blob = await store.OpenBlobAsync(descriptor, cancellationToken).ConfigureAwait(false);
        using var tar = LayerReader.OpenTar(blob);
        var (diffId, _) = Digest.Compute(tar);
        return (descriptor, diffId);
    }
}
