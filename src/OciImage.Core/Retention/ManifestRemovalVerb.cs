using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Selection;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Core.Retention;

/// <summary>
/// Remove-OciManifest: first what the deletion takes (every tag naming the manifest, and with referrers its
/// signatures, SBOMs and attestations, found through the referrers API or the sha256-HEX fallback tag, and
/// their own referrers), then the deletion: referrers first, then the fallback indexes, the subject last, so a
/// run cut short leaves nothing it could no longer find. The first request that changes anything is a DELETE,
/// so a registry refusing deletion (405) leaves the repository as it was.
/// </summary>
public static class ManifestRemovalVerb
{
    /// <summary>At most this many referrers are followed in all (a hostile fallback index must not make the walk endless): one listing's bound.</summary>
    public const int MaxReferrers = Referrers.MaxCount;

    /// <summary>What deleting the image a reference names takes with it (a tag is resolved to its digest first).</summary>
    public static async Task<ManifestRemoval> PlanAsync(Reference reference, bool includeReferrers, StoreContext context, CancellationToken cancellationToken)
    {
        var digest = await TagVerb.PinAsync(reference, context, cancellationToken).ConfigureAwait(false);
        return await PlanAsync(reference, digest, includeReferrers, context, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ManifestRemoval> PlanAsync(Reference repository, Digest digest, bool includeReferrers, StoreContext context, CancellationToken cancellationToken)
    {
        repository = repository.WithoutIdentifier();

        // Each tag's digest: free in a layout, a HEAD a tag on a registry (in parallel).
        var named = await TagDetailsVerb.GetAsync(repository, null, TagDetailFields.Digest, context, cancellationToken).ConfigureAwait(false);
        var tagsOf = named.Where(d => d.Digest is not null).ToLookup(d => d.Digest!.Value, d => d.Tag);
        var tags = tagsOf[digest].Where(t => !RetentionPlanner.IsReferrerFallbackTag(t)).ToList();
        var referrers = new List<Descriptor>();
        var fallbacks = new List<(string, Digest)>();
        var allTags = new HashSet<string>(named.Where(d => d.Digest is not null).Select(d => d.Tag), StringComparer.Ordinal);
        if (!includeReferrers)
        {
            return new ManifestRemoval(repository, digest, tags, referrers, Array.Empty<string>(), fallbacks);
        }

        using var store = ImageStores.OpenForRead(repository, context);
        var seen = new HashSet<Digest> { digest };
        var pending = new Queue<Digest>();
        pending.Enqueue(digest);
        while (pending.Count > 0)
        {
            var subject = pending.Dequeue();
            var fallbackTag = ReferrerIndex.FallbackTag(subject);
            if (allTags.Contains(fallbackTag) && named.First(d => d.Tag == fallbackTag).Digest is { } index)
            {
                fallbacks.Add((fallbackTag, index));
            }

            foreach (var referrer in await Referrers.ListAsync(store, subject, cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(referrer.Digest))
                {
                    if (referrers.Count == MaxReferrers)
                    {
                        throw ManifestTooLargeException.TooManyReferrers($"the referrers of {repository}@{digest} and of its referrers", MaxReferrers, "nothing was deleted");
                    }

                    referrers.Add(referrer);
                    pending.Enqueue(referrer.Digest);
                }
            }
        }

        var referrerTags = referrers.SelectMany(r => tagsOf[r.Digest]).Where(t => !RetentionPlanner.IsReferrerFallbackTag(t)).Distinct(StringComparer.Ordinal).ToList();
        return new ManifestRemoval(repository, digest, tags, referrers, referrerTags, fallbacks);
    }

    public static async Task DeleteAsync(ManifestRemoval plan, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForUpdate(plan.Repository, context);

        // Deepest referrers first; one already gone is what was wanted.
        foreach (var referrer in plan.Referrers.Reverse())
        {
            await DeleteIfThereAsync(store, referrer.Digest, cancellationToken).ConfigureAwait(false);
        }

        foreach (var (_, index) in plan.FallbackIndexes)
        {
            await DeleteIfThereAsync(store, index, cancellationToken).ConfigureAwait(false);
        }

        await store.DeleteManifestAsync(plan.Digest, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeleteIfThereAsync(Stores.IImageStore store, Digest digest, CancellationToken cancellationToken)
    {
        try
        {
            await store.DeleteManifestAsync(digest, cancellationToken).ConfigureAwait(false);
        }
        catch (ManifestUnknownException)
        {
        }
    }
}
