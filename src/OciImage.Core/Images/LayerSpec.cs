using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// A layer as a user names it: at least its digest, and whatever else is known (media type, size, DiffID, history
/// line, the file with its bytes). What it does not say is read from the target store when it is resolved.
/// </summary>
public sealed class LayerSpec
{
    public LayerSpec(Digest digest, string? mediaType = null, long size = 0, Digest? diffId = null, string? createdBy = null, string? blobPath = null)
    {
        Digest = digest;
        MediaType = string.IsNullOrEmpty(mediaType) ? null : mediaType;
        Size = size;
        DiffId = diffId;
        CreatedBy = createdBy;
        BlobPath = string.IsNullOrEmpty(blobPath) ? null : blobPath;
    }

    public Digest Digest { get; }

    public string? MediaType { get; }

    public long Size { get; }

    public Digest? DiffId { get; }

    public string? CreatedBy { get; }

    public string? BlobPath { get; }

    /// <summary>The layer as the composer takes it; a blob described only in part is read from the target (labelled by its bytes).</summary>
    public async Task<NewLayer> ResolveAsync(IImageStore target, CancellationToken cancellationToken)
    {
        if (MediaType is not null && Size > 0)
        {
            var descriptor = new Descriptor { MediaType = MediaType, Digest = Digest, Size = Size };
            var diffId = DiffId ?? (await LayerDiffId.DescribeAsync(target, Digest, cancellationToken).ConfigureAwait(false)).DiffId;
            return new NewLayer(descriptor, diffId, CreatedBy, BlobPath);
        }

        var (found, foundDiffId) = await LayerDiffId.DescribeAsync(target, Digest, cancellationToken).ConfigureAwait(false);
        return new NewLayer(found, DiffId ?? foundDiffId, CreatedBy, BlobPath);
    }
}
