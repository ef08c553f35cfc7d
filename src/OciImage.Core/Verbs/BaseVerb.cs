using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Base;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Base images (issue 35): check an image's recorded base against what its name gives now, squash layers (all,
/// or those above the base), and rebase onto another base. Each takes an image or an index; an index has every
/// image (or those of the platforms asked for) changed and artifacts left as they are.
/// </summary>
public static class BaseVerb
{
    /// <summary>One status per image: the image itself, or each image of an index.</summary>
    public static async Task<IReadOnlyList<BaseStatus>> CheckAsync(Reference reference, IReadOnlyList<Platform>? platforms, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        var top = await store.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        var statuses = new List<BaseStatus>();
        if (top is not ImageIndex index)
        {
            var image = await ImageHandle.OpenAsync(store, reference, platforms?.Count == 1 ? platforms[0] : null, cancellationToken).ConfigureAwait(false);
            statuses.Add(await BaseCheck.CheckAsync(image, context, cancellationToken).ConfigureAwait(false));
            return statuses;
        }

        foreach (var entry in index.Manifests)
        {
            if (await EachImage.LeftAsIsAsync(store, entry, platforms, cancellationToken).ConfigureAwait(false) is null)
            {
                var image = await ImageHandle.OpenAsync(store, reference.WithoutIdentifier().WithDigest(entry.Digest), null, cancellationToken).ConfigureAwait(false);
                statuses.Add(await BaseCheck.CheckAsync(image, context, cancellationToken).ConfigureAwait(false));
            }
        }

        return statuses;
    }

    /// <summary>
    /// Squashes every image's layers into one (crane flatten), or with <paramref name="aboveBase"/> only those above
    /// its base (<paramref name="baseReference"/>, else the recorded one), and points <paramref name="tag"/> at the result.
    /// </summary>
    public static async Task<ImageChange> SquashAsync(Reference reference, string tag, IReadOnlyList<Platform>? platforms, bool aboveBase, Reference? baseReference, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForUpdate(reference, context);
        using var bases = new BaseLookup(context);
        return await EachImage.ApplyAsync(store, reference, platforms, null, tag, async (image, childTag, ct) =>
        {
            var baseLayers = 0;
            if (aboveBase || baseReference is not null)
            {
                baseLayers = (await bases.OldBaseAsync(image, baseReference, ct).ConfigureAwait(false)).Manifest.Layers.Count;
            }

            var squashed = await Squash.SquashAsync(image, baseLayers, childTag, context.Log, ct).ConfigureAwait(false);
            return (squashed.Manifest, squashed.Detail);
        }, context.Log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Rebases every image from its old base (<paramref name="oldBase"/>, else the recorded base.name at base.digest)
    /// onto <paramref name="newBase"/> (else the recorded base.name as it is now), and points <paramref name="tag"/> at the result.
    /// </summary>
    public static async Task<ImageChange> RebaseAsync(Reference reference, string tag, IReadOnlyList<Platform>? platforms, Reference? oldBase, Reference? newBase, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForUpdate(reference, context);
        using var bases = new BaseLookup(context);
        return await EachImage.ApplyAsync(store, reference, platforms, null, tag, async (image, childTag, ct) =>
        {
            var old = await bases.OldBaseAsync(image, oldBase, ct).ConfigureAwait(false);
            var newName = newBase ?? BaseLookup.RecordedName(image);
            var (target, top) = await bases.OpenAsync(newName, image.Config.Platform, ct).ConfigureAwait(false);
            return await Rebase.RebaseAsync(image, old, target, newName, top, childTag, context.Log, ct).ConfigureAwait(false);
        }, context.Log, cancellationToken).ConfigureAwait(false);
    }
}
