using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Registry;
using OciImage.Core.Selection;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Core.Retention;

/// <summary>
/// Plans a retention run: lists the tags, applies a keep-selection (<see cref="SelectionUse.Keep"/>: a rule never
/// removes what it cannot judge), and measures the complement's removal with Measure-OciRepository's walk, which
/// also gives each tag's digest, so the removal can check that a tag still names what was planned.
/// Referrer fallback tags (sha256-HEX) are not names a user chose: they stay with their subject, whatever the rules.
/// </summary>
public static class RetentionPlanner
{
    public static async Task<RetentionPlan> PlanAsync(Reference repository, TagSelection keep, StoreContext context, CancellationToken cancellationToken,
        int throttle = RegistryConcurrency.TagsAtOnce)
    {
        repository = repository.WithoutIdentifier();
        keep.Validate();
        var tags = new List<string>();
        await foreach (var tagged in ReadVerb.TagsAsync(repository, context, cancellationToken).ConfigureAwait(false))
        {
            tags.Add(tagged.Tag);
        }

        var dates = keep.UsesDates ? TagDetailsVerb.CreatedDates(repository, context, throttle) : null;
        var decided = await keep.ApplyAsync(tags.Where(t => !IsReferrerFallbackTag(t)), dates, SelectionUse.Keep, cancellationToken).ConfigureAwait(false);
        var removing = decided.NotSelectedTags;
        var measured = await RepositoryMeasureVerb.MeasureAsync(repository, removing, context, cancellationToken, throttle).ConfigureAwait(false);

        var removed = new HashSet<string>(removing, StringComparer.Ordinal);
        var keptRoots = measured.Roots.Where(r => r.Tag is null || !removed.Contains(r.Tag)).ToList();
        var keptBlobs = new HashSet<Digest>(keptRoots.SelectMany(r => r.Blobs).Select(b => b.Digest));
        var byTag = measured.Roots.Where(r => r.Tag is not null).GroupBy(r => r.Tag!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        var removals = new List<PlannedRemoval>();
        foreach (var decision in decided.NotSelected)
        {
            if (!byTag.TryGetValue(decision.Tag, out var root))
            {
                // Gone between the listing and the walk: nothing to remove, said so.
                var gone = new ManifestUnknownException(repository.WithTag(decision.Tag).ToString(), "the tag went away while the removal was planned") { Target = decision.Tag };
                removals.Add(new PlannedRemoval(decision.Tag, null, decision.DroppedBy, decision.Created, 0, Array.Empty<string>(), gone));
                continue;
            }

            var aliases = root.Digest is { } digest
                ? keptRoots.Where(r => r.Tag is not null && r.Digest == digest).Select(r => r.Tag!).ToList()
                : new List<string>();
            var frees = root.Blobs.Where(b => !keptBlobs.Contains(b.Digest)).Sum(b => b.Size);
            removals.Add(new PlannedRemoval(decision.Tag, root.Error is null ? root.Digest : null, decision.DroppedBy, decision.Created, frees, aliases, root.Error));
        }

        var kept = tags.Where(t => !removed.Contains(t)).ToList();
        return new RetentionPlan(repository, removals, kept, measured.FreedBytes, measured.Problems);
    }

    /// <summary>sha256-HEX (the OCI 1.1 referrers fallback schema's tag for a subject).</summary>
    public static bool IsReferrerFallbackTag(string tag)
    {
        var dash = tag.IndexOf('-');
        return dash > 0 && Digest.TryParse(tag.Substring(0, dash) + ":" + tag.Substring(dash + 1), out _);
    }
}
