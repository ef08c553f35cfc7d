using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Selection;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Core.Mirror;

/// <summary>
/// Plans a mirror: for each image of each mapping, what to do and what it costs. An image already at the
/// destination costs one HEAD at each end and no GET (Docker Hub counts GETs against its pull quota, not HEADs);
/// a tag missing there costs nothing at the destination once one was (<see cref="DestinationTags"/>: one listing);
/// with a platform filter, one more GET at the destination reads the source digest it recorded. Images to copy
/// are read (each manifest once a run, shared with the copies; a tag known absent at the destination is read at
/// once, not HEAD then GET) to count the blobs that will really cross: one HEAD per blob at the destination, and a
/// blob another item of the plan already moves counts once. The copies of the same invocation take these answers
/// (<see cref="BlobPresence"/>, the items' destination digests) and do not ask again.
/// </summary>
internal sealed class SyncPlanner
{
    private readonly StoreContext _source;
    private readonly StoreContext _destination;
    private readonly CopyRun _run;
    private readonly SyncShard? _shard;
    private readonly int _throttle;
    private readonly HashSet<string> _plannedBlobs;

    public SyncPlanner(StoreContext source, StoreContext destination, SyncRun run, SyncShard? shard, int throttle)
    {
        _source = source;
        _destination = destination;
        _run = run.Copies;
        _plannedBlobs = run.PlannedBlobs;
        _shard = shard;
        _throttle = Math.Max(1, throttle);
    }

    private IEngineLog Log => _source.Log;

    public async Task<IReadOnlyList<SyncPlanItem>> PlanAsync(SyncMapping mapping, CancellationToken cancellationToken)
    {
        var repository = mapping.Source.WithoutIdentifier();
        var target = mapping.Destination.WithoutIdentifier();
        using var source = ImageStores.OpenForRead(repository, _source);
        using var destination = OpenDestination(target);
        var destinationTags = destination is { Location.IsLocal: false } ? new DestinationTags(destination) : null; // a remote repository: tags cost requests
        var (images, listedWhole) = await SourceImagesAsync(mapping, cancellationToken).ConfigureAwait(false);
        var mine = images.Where(i => _shard is null || _shard.Contains(repository, i.Tag ?? i.Digest!.ToString())).ToList();

        // Each image's two HEADs at once, a few images at a time; blobs are then counted in the plan's order.
        using var throttle = new SemaphoreSlim(_throttle);
        var checks = mine.Select(async from =>
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await CheckAsync(mapping, source, destination, destinationTags, from, CopyVerb.DestinationFor(from, target), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                throttle.Release();
            }
        }).ToList();
        var items = new List<SyncPlanItem>();
        foreach (var check in checks)
        {
            var item = await check.ConfigureAwait(false);
            items.Add(item.Action is SyncAction.Copy or SyncAction.Update
                ? await CountOrLeaveAsync(item, mapping, source, destination, cancellationToken).ConfigureAwait(false)
                : item);
        }

        if (mapping.Prune && !listedWhole)
        {
            // A tag past where the source's listing stopped is not "gone from the source": nothing is pruned on it.
            Log.Warning($"{repository}: the source's tag listing is partial, so nothing is pruned at {target}.");
        }
        else if (mapping.Prune)
        {
            items.AddRange(await PruneAsync(mapping, images, destination, cancellationToken).ConfigureAwait(false));
        }

        return items;
    }

    /// <summary>
    /// The images the mapping takes: its one image, or the tags its selection keeps (a warning when none); and
    /// whether the source's listing was every tag.
    /// </summary>
    private async Task<(IReadOnlyList<Reference> Images, bool ListedWhole)> SourceImagesAsync(SyncMapping mapping, CancellationToken cancellationToken)
    {
        if (mapping.Source.Tag is not null || mapping.Source.Digest is not null)
        {
            return (new[] { mapping.Source }, true);
        }

        var repository = mapping.Source.WithoutIdentifier();
        var tags = new List<Reference>();
        var whole = false;
        await foreach (var listed in TagListVerb.ListAsync(repository, mapping.Selection, TagDetailFields.None, _source, cancellationToken, complete => whole = complete).ConfigureAwait(false))
        {
            tags.Add(repository.WithTag(listed.Tag));
        }

        if (tags.Count == 0)
        {
            Log.Warning($"{repository}: no tag matches the selection; nothing to mirror from it{(mapping.Prune ? ", and nothing is pruned at the destination" : string.Empty)}.");
        }

        return (tags, whole);
    }

    private IImageStore? OpenDestination(Reference target)
    {
        try
        {
            return ImageStores.OpenForRead(target, _destination);
        }
        catch (OciException ex) when (ex is LayoutNotFoundException || (ex is FileNotFoundOciException && target.IsArchive))
        {
            return null; // a layout or archive the mirror will create: it holds nothing yet
        }
    }

    /// <summary>The action for one image, from a HEAD at each end (and a GET at the destination with a platform filter).</summary>
    private async Task<SyncPlanItem> CheckAsync(SyncMapping mapping, IImageStore source, IImageStore? destination, DestinationTags? destinationTags, Reference from, Reference to, CancellationToken cancellationToken)
    {
        var absent = destination is null || (destinationTags is not null && to.Tag is { } tag && await destinationTags.KnownMissingAsync(tag).ConfigureAwait(false));

        // An image known to be absent is copied, and its manifest read for that anyway: read it now instead of a HEAD first.
        var top = absent && from.Digest is null && !source.Location.IsLocal
            ? (await ReadSourceAsync(source, from, cancellationToken).ConfigureAwait(false)).ToDescriptor()
            : await source.ResolveAsync(from, cancellationToken).ConfigureAwait(false);
        Descriptor? there = null;
        if (!absent)
        {
            there = await TryResolveAsync(destination!, to, cancellationToken).ConfigureAwait(false);
            if (there is null)
            {
                destinationTags?.Missing(cancellationToken);
            }
        }

        var filtered = mapping.Platforms is { Count: > 0 } && MediaTypes.IsIndex(top.MediaType);
        var recompressed = mapping.Compression is not null;
        var action = there is null ? SyncAction.Copy : SyncAction.Update;
        string? reason = null;
        if (there is not null)
        {
            if (!filtered && !recompressed)
            {
                action = there.Digest == top.Digest ? SyncAction.UpToDate : SyncAction.Update;
            }
            else if (recompressed && there.Digest == top.Digest)
            {
                // The same digest: up to date only if every layer is already in the compression asked (a GET at the source).
                action = await AlreadyCompressedAsync(source, top, mapping.Compression!.Value, cancellationToken).ConfigureAwait(false) ? SyncAction.UpToDate : SyncAction.Update;
            }
            else if (mapping.Single)
            {
                // One platform's image, written as it is: which one the source's index names now needs the index.
                var index = (ImageIndex)await _run.GetManifestAsync(source, top, cancellationToken).ConfigureAwait(false);
                var chosen = PlatformChoice.Best(mapping.Platforms![0], index.Manifests);
                action = chosen.Count == 1 && chosen[0].Digest == there.Digest ? SyncAction.UpToDate : SyncAction.Update;
            }
            else if (await RecordsSourceAsync(destination!, there, top.Digest, filtered ? mapping.Platforms! : Array.Empty<Platform>(), cancellationToken).ConfigureAwait(false))
            {
                action = SyncAction.UpToDate;
                reason = $"the destination's {(filtered ? "filtered index" : "recompressed image")} records {top.Digest} as its source";
            }
            else if (filtered && !recompressed && there.MediaType == MediaTypes.DockerManifestList)
            {
                // A Docker list has no annotations to record the source in: cut the source's index again (a GET at the source).
                var index = (ImageIndex)await _run.GetManifestAsync(source, top, cancellationToken).ConfigureAwait(false);
                action = ImageCopier.Filtered(index, mapping.Platforms!).Digest == there.Digest ? SyncAction.UpToDate : SyncAction.Update;
            }
        }

        if (action == SyncAction.UpToDate && mapping.IncludeReferrers && there!.Digest == top.Digest
            && await MissingReferrersAsync(source, destination!, top.Digest, cancellationToken).ConfigureAwait(false) is var missing and > 0)
        {
            // The image is there, but a signature or SBOM added at the source since is not: the copy brings the referrers.
            action = SyncAction.Update;
            reason = $"the source has {missing} referrer{(missing == 1 ? string.Empty : "s")} of {top.Digest} that the destination lacks";
        }

        return new SyncPlanItem
        {
            Action = action,
            Source = from.Digest is null ? from : from.WithTag(null),
            SourceDigest = top.Digest,
            Destination = to,
            DestinationDigest = there?.Digest,
            Platforms = mapping.Platforms?.Select(p => p.ToString()).ToList() ?? (IReadOnlyList<string>)Array.Empty<string>(),
            Single = mapping.Single,
            IncludeReferrers = mapping.IncludeReferrers,
            RequireSameDigest = mapping.RequireSameDigest,
            Compression = mapping.Compression?.ToString().ToLowerInvariant(),
            CompressionLevel = mapping.Compression is null ? null : mapping.CompressionLevel.ToString(),
            Reason = reason,
        };
    }

    /// <summary>The source's manifest by its tag, kept for the run under its digest (the count and the copy read no more).</summary>
    private async Task<Manifest> ReadSourceAsync(IImageStore source, Reference from, CancellationToken cancellationToken)
    {
        var manifest = await source.GetManifestAsync(from, cancellationToken).ConfigureAwait(false);
        return await _run.GetManifestAsync(source, manifest.Digest, () => Task.FromResult(manifest)).ConfigureAwait(false);
    }

    private async Task<bool> AlreadyCompressedAsync(IImageStore source, Descriptor top, Layers.LayerCompression compression, CancellationToken cancellationToken)
    {
        var manifest = await _run.GetManifestAsync(source, top, cancellationToken).ConfigureAwait(false);
        var images = new List<ImageManifest>();
        if (manifest is ImageManifest image)
        {
            images.Add(image);
        }
        else if (manifest is ImageIndex index)
        {
            foreach (var entry in index.Manifests.Where(m => MediaTypes.IsImageManifest(m.MediaType)))
            {
                if (await _run.GetManifestAsync(source, entry, cancellationToken).ConfigureAwait(false) is ImageManifest child)
                {
                    images.Add(child);
                }
            }
        }

        return images.SelectMany(i => i.Layers).All(l => Layers.Compressions.OfMediaType(l.MediaType) == compression);
    }

    /// <summary>
    /// How many of the subject's referrers at the source the destination does not list (the destination is asked
    /// only when the source has some). One it lacks is read (once a run: the copy takes it) and counts only when its
    /// subject is this one, as the copy copies it: a listing that names another manifest would be "missing" for ever.
    /// </summary>
    private async Task<int> MissingReferrersAsync(IImageStore source, IImageStore destination, Digest subject, CancellationToken cancellationToken)
    {
        var wanted = await Images.Referrers.ListAsync(source, subject, cancellationToken).ConfigureAwait(false);
        if (wanted.Count == 0)
        {
            return 0;
        }

        var held = new HashSet<Digest>((await Images.Referrers.ListAsync(destination, subject, cancellationToken).ConfigureAwait(false)).Select(d => d.Digest));
        var missing = 0;
        foreach (var referrer in wanted.Where(d => !held.Contains(d.Digest)))
        {
            var manifest = await _run.GetManifestAsync(source, referrer, cancellationToken).ConfigureAwait(false);
            missing += Images.Referrers.Refers(manifest, subject) ? 1 : 0;
        }

        return missing;
    }

    /// <summary>True when what the destination holds was written from this source digest (for these platforms).</summary>
    private static async Task<bool> RecordsSourceAsync(IImageStore destination, Descriptor there, Digest source, IReadOnlyList<Platform> platforms, CancellationToken cancellationToken)
    {
        if (platforms.Count > 0 && !MediaTypes.IsIndex(there.MediaType))
        {
            return false;
        }

        var written = await destination.GetManifestAsync(there, cancellationToken).ConfigureAwait(false);
        return written.Annotations is { } annotations
            && annotations.TryGetValue(CopyOptions.SourceDigestAnnotation, out var recorded) && recorded == source.ToString()
            && platforms.All(p => written is ImageIndex index && PlatformChoice.Best(p, index.Manifests).Count > 0);
    }

    private static async Task<Descriptor?> TryResolveAsync(IImageStore store, Reference reference, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (OciException ex) when (ex is ManifestUnknownException or RepositoryUnknownException)
        {
            return null;
        }
    }

    /// <summary>The item with its blobs counted; past a rate-limit reserve, as it is (applying it will stop there too).</summary>
    private async Task<SyncPlanItem> CountOrLeaveAsync(SyncPlanItem item, SyncMapping mapping, IImageStore source, IImageStore? destination, CancellationToken cancellationToken)
    {
        try
        {
            return await CountBlobsAsync(item, mapping, source, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (OciException ex) when (ex.ErrorId == "RateLimitReserve")
        {
            Log.Warning($"{item.Source}: its blobs are not counted ({ex.Message})");
            return item;
        }
    }

    /// <summary>What a copy will move: each blob of the images copied, checked at the destination once a plan.</summary>
    private async Task<SyncPlanItem> CountBlobsAsync(SyncPlanItem item, SyncMapping mapping, IImageStore source, IImageStore? destination, CancellationToken cancellationToken)
    {
        var top = await _run.GetManifestAsync(source, item.SourceDigest!.Value, () => source.GetManifestAsync(item.Source!.WithDigest(item.SourceDigest), cancellationToken)).ConfigureAwait(false);
        var images = new List<ImageManifest>();
        var manifests = 1;
        if (top is ImageManifest image)
        {
            images.Add(image);
        }
        else if (top is ImageIndex index)
        {
            var entries = mapping.Platforms is { Count: > 0 } wanted
                ? ImageCopier.Selected(index, wanted)
                : index.Manifests.Where(m => MediaTypes.IsManifest(m.MediaType)).ToList();
            foreach (var entry in entries)
            {
                var child = await _run.GetManifestAsync(source, entry, cancellationToken).ConfigureAwait(false);
                manifests++;
                if (child is ImageManifest childImage)
                {
                    images.Add(childImage);
                }
            }
        }

        var blobs = images.SelectMany(i => i.Layers.Prepend(i.Config)).GroupBy(b => b.Digest).Select(g => g.First()).ToList();
        var present = await Task.WhenAll(blobs.Select(b => AtDestinationAsync(destination, b, cancellationToken))).ConfigureAwait(false);
        // A store that reuses blobs of another repository of its registry (a mount) takes them without their bytes.
        var mountable = destination is IBlobReuse && source.Location.Registry is { } from
            && string.Equals(from, destination.Location.Registry, StringComparison.OrdinalIgnoreCase) && source.Location.Repository != destination.Location.Repository;
        int copy = 0, reused = 0, mount = 0;
        long bytes = 0;
        for (var i = 0; i < blobs.Count; i++)
        {
            var key = item.Destination.WithoutIdentifier() + "\n" + blobs[i].Digest;
            if (present[i] || !_plannedBlobs.Add(key))
            {
                reused++;
            }
            else if (mountable)
            {
                mount++;
            }
            else
            {
                copy++;
                bytes += blobs[i].Size;
            }
        }

        // Applying a saved plan: a HEAD at each end; per blob a HEAD and then a mount (one request), or a read and an
        // upload (three); each manifest put; with referrers, their listing. Applied as planned, in the same
        // invocation, it sends neither the HEADs of the ends nor those of the blobs (the plan's answers serve).
        var requests = 2 + blobs.Count + mount + (3 * copy) + manifests + (mapping.IncludeReferrers ? 1 : 0);
        return new SyncPlanItem
        {
            FormatVersion = item.FormatVersion,
            Action = item.Action,
            Source = item.Source,
            SourceDigest = item.SourceDigest,
            Destination = item.Destination,
            DestinationDigest = item.DestinationDigest,
            Platforms = item.Platforms,
            Single = item.Single,
            IncludeReferrers = item.IncludeReferrers,
            RequireSameDigest = item.RequireSameDigest,
            Compression = item.Compression,
            CompressionLevel = item.CompressionLevel,
            Reason = item.Reason,
            Blobs = blobs.Count,
            BlobsToCopy = copy,
            BlobsReused = reused,
            BlobsToMount = mount,
            Bytes = bytes,
            Requests = requests,
        };
    }

    private Task<bool> AtDestinationAsync(IImageStore? destination, Descriptor blob, CancellationToken cancellationToken) =>
        destination is null
            ? Task.FromResult(false)
            : _run.Presence.AskAsync(destination, blob, cancellationToken); // the copies take these answers and do not ask again

    /// <summary>Destination tags the source selection does not name, each pinned by a HEAD.</summary>
    private async Task<IReadOnlyList<SyncPlanItem>> PruneAsync(SyncMapping mapping, IReadOnlyList<Reference> kept, IImageStore? destination, CancellationToken cancellationToken)
    {
        var prunes = new List<SyncPlanItem>();
        if (destination is null || kept.Count == 0 || mapping.Source.Tag is not null || mapping.Source.Digest is not null)
        {
            return prunes; // nothing there; or a source that selected nothing, which must not empty the destination
        }

        var target = mapping.Destination.WithoutIdentifier();
        var keptTags = new HashSet<string>(kept.Select(k => CopyVerb.DestinationFor(k, target).Tag!), StringComparer.Ordinal);
        var repository = mapping.Source.WithoutIdentifier();
        await foreach (var tag in ListTagsAsync(destination, cancellationToken).ConfigureAwait(false))
        {
            if (keptTags.Contains(tag) || (_shard is not null && !_shard.Contains(repository, tag)))
            {
                continue;
            }

            var there = await TryResolveAsync(destination, target.WithTag(tag), cancellationToken).ConfigureAwait(false);
            if (there is null)
            {
                continue;
            }

            prunes.Add(new SyncPlanItem
            {
                Action = SyncAction.Prune,
                Destination = target.WithTag(tag),
                DestinationDigest = there.Digest,
                Reason = "not in the source selection",
                Requests = 2,
            });
        }

        return prunes;
    }

    private static async IAsyncEnumerable<string> ListTagsAsync(IImageStore destination, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        try
        {
            await foreach (var tag in destination.ListTagsAsync(cancellationToken).ConfigureAwait(false))
            {
                tags.Add(tag);
            }
        }
        catch (RepositoryUnknownException)
        {
        }

        foreach (var tag in tags.Where(t => Reference.TagOfLayoutName(t) == t || !destination.Location.IsLocal))
        {
            yield return tag;
        }
    }
}
