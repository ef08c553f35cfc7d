using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Transports;

namespace OciImage.Core.Base;

/// <summary>
/// Checks an image's recorded base against what the base name gives now. The recorded digest counts as current
/// when it is the name's digest or, for a multi-platform base, the digest of the image's own platform in it
/// (tools record either). Layers are compared by DiffID, as a rebase would compare them.
/// </summary>
internal static class BaseCheck
{
    public static async Task<BaseStatus> CheckAsync(ImageHandle image, StoreContext context, CancellationToken cancellationToken)
    {
        var recorded = BaseAnnotations.Of(image.Manifest)
            ?? throw new BaseNotRecordedException(image.Reference.ToString()) { Target = image.Reference };
        var name = Reference.Parse(recorded.Name);
        var recordedDigest = Digest.Parse(recorded.Digest);
        var platform = image.Config.Platform;
        using var store = ImageStores.OpenForRead(name, context);
        var current = await store.ResolveAsync(name, cancellationToken).ConfigureAwait(false);
        var currentBase = await ImageHandle.OpenAsync(store, name.WithDigest(current.Digest), platform, cancellationToken, strictPlatform: false).ConfigureAwait(false);
        var isCurrent = current.Digest == recordedDigest || currentBase.Manifest.Digest == recordedDigest;

        var imageLayers = image.Config.RootFs.DiffIds;
        var shared = SharedPrefix(imageLayers, currentBase.Config.RootFs.DiffIds);
        int? oldCount = isCurrent ? currentBase.Config.RootFs.DiffIds.Count : await RecordedLayerCountAsync(store, name, recordedDigest, platform, context, cancellationToken).ConfigureAwait(false);
        return new BaseStatus
        {
            Image = image.Reference,
            Platform = platform,
            BaseName = recorded.Name,
            RecordedDigest = recordedDigest,
            CurrentDigest = current.Digest,
            IsCurrent = isCurrent,
            LayersToRemove = isCurrent ? 0 : oldCount - shared,
            LayersToAdd = isCurrent ? 0 : currentBase.Config.RootFs.DiffIds.Count - shared,
        };
    }

    /// <summary>How many layers the recorded base had, or null when it can no longer be read by its digest.</summary>
    private static async Task<int?> RecordedLayerCountAsync(Stores.IImageStore store, Reference name, Digest recorded, Platform platform, StoreContext context, CancellationToken cancellationToken)
    {
        try
        {
            var old = await ImageHandle.OpenAsync(store, name.WithoutIdentifier().WithDigest(recorded), platform, cancellationToken, strictPlatform: false).ConfigureAwait(false);
            return old.Config.RootFs.DiffIds.Count;
        }
        catch (ManifestUnknownException)
        {
            context.Log.Verbose($"The recorded base {name.WithDigest(recorded)} is no longer there; the layers it gave cannot be counted.");
            return null;
        }
    }

    public static int SharedPrefix(IReadOnlyList<Digest> a, IReadOnlyList<Digest> b)
    {
        var n = 0;
        while (n < a.Count && n < b.Count && a[n] == b[n])
        {
            n++;
        }

        return n;
    }
}
