using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage;

/// <summary>Turns what -Layer received (OciLayer objects, or digests of blobs in the target) into new layers.</summary>
internal static class LayerInput
{
    public static async Task<NewLayer> ResolveAsync(object input, IImageStore target, CancellationToken cancellationToken)
    {
        var value = input is PSObject ps ? ps.BaseObject : input;
        if (value is OciLayer layer)
        {
            var descriptor = new Descriptor { MediaType = layer.MediaType, Digest = layer.Digest, Size = layer.Size };
            var diffId = layer.DiffId ?? (await LayerDiffId.DescribeAsync(target, layer.Digest, cancellationToken).ConfigureAwait(false)).DiffId;
            return new NewLayer(descriptor, diffId, layer.CreatedBy, layer.BlobPath);
        }

        var digest = Digest.Parse(value?.ToString() ?? string.Empty);
        var (found, foundDiffId) = await LayerDiffId.DescribeAsync(target, digest, cancellationToken).ConfigureAwait(false);
        return new NewLayer(found, foundDiffId, null, null);
    }
}
