using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Core.Mirror;

/// <summary>
/// Applies a mirror's plan: images several at once, each blob crossing once a run (<see cref="CopyRun"/>), each
/// source image copied by the digest the plan pinned, prunes last. A failed image fails alone. A saved plan is
/// checked first (one HEAD at each end an item): an item whose destination changed since is skipped, and a source
/// tag that moved is reported (the pinned digest, the one reviewed, is still what is copied). When a registry's
/// rate-limit reserve is reached, what is in flight finishes and the rest is reported as not started.
/// </summary>
internal sealed class SyncRunner
{
    private readonly StoreContext _source;
    private readonly StoreContext _destination;
    private readonly CopyRun _run;
    private readonly int _throttle;
    private readonly bool _recheck;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _archives = new(StringComparer.Ordinal);
    private string? _stopped;

    /// <param name="recheck">The plan was made earlier (saved): check both ends again before each item.</param>
    public SyncRunner(StoreContext source, StoreContext destination, CopyRun run, int throttle, bool recheck)
    {
        _source = source;
        _destination = destination;
        _run = run;
        _throttle = Math.Max(1, throttle);
        _recheck = recheck;
    }

    public async Task<SyncSummary> ApplyAsync(IReadOnlyList<SyncPlanItem> items, Action<SyncItemResult> report, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var results = new ConcurrentBag<SyncItemResult>();
        using var throttle = new SemaphoreSlim(_throttle);
        var copies = items.Where(i => i.Action != SyncAction.Prune).Select(async item =>
        {
            await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await ApplyOneAsync(item, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                report(result);
            }
            finally
            {
                throttle.Release();
            }
        }).ToList();
        await Task.WhenAll(copies).ConfigureAwait(false);

        // Prunes after every copy: a tag is removed only once the images kept are in place.
        foreach (var prune in items.Where(i => i.Action == SyncAction.Prune))
        {
            var result = await ApplyOneAsync(prune, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            report(result);
        }

        foreach (var archive in _archives.Values)
        {
            archive.Dispose();
        }

        var all = results.ToList();
        return new SyncSummary
        {
            Images = all.Count,
            Copied = all.Count(r => r.Status == SyncStatus.Copied),
            Updated = all.Count(r => r.Status == SyncStatus.Updated),
            UpToDate = all.Count(r => r.Status == SyncStatus.UpToDate),
            Pruned = all.Count(r => r.Status == SyncStatus.Pruned),
            Skipped = all.Count(r => r.Status == SyncStatus.Skipped),
            NotStarted = all.Count(r => r.Status == SyncStatus.NotStarted),
            Failed = all.Count(r => r.Status == SyncStatus.Failed),
            BytesCopied = all.Sum(r => r.BytesCopied),
            BlobsCopied = all.Sum(r => r.BlobsCopied),
            BlobsReused = all.Sum(r => r.BlobsReused),
            BlobsMounted = all.Sum(r => r.BlobsMounted),
            Duration = clock.Elapsed,
        };
    }

    private async Task<SyncItemResult> ApplyOneAsync(SyncPlanItem item, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (_stopped is { } why)
        {
            return new SyncItemResult { Item = item, Status = SyncStatus.NotStarted, Reason = why };
        }

        try
        {
            var result = item.Action switch
            {
                SyncAction.Prune => await PruneAsync(item, cancellationToken).ConfigureAwait(false),
                SyncAction.UpToDate => await ConfirmUpToDateAsync(item, cancellationToken).ConfigureAwait(false),
                _ => await CopyAsync(item, cancellationToken).ConfigureAwait(false),
            };
            return With(result, clock.Elapsed);
        }
        catch (OciException ex) when (ex.ErrorId == "RateLimitReserve")
        {
            _stopped = ex.Message;
            return new SyncItemResult { Item = item, Status = SyncStatus.NotStarted, Reason = ex.Message, Duration = clock.Elapsed };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new SyncItemResult { Item = item, Status = SyncStatus.Failed, Error = ex, Reason = ex.Message, Duration = clock.Elapsed };
        }
    }

    private async Task<SyncItemResult> ConfirmUpToDateAsync(SyncPlanItem item, CancellationToken cancellationToken)
    {
        if (_recheck)
        {
            var now = await DestinationNowAsync(item, cancellationToken).ConfigureAwait(false);
            if (now != item.DestinationDigest)
            {
                return Changed(item, now);
            }
        }

        return new SyncItemResult { Item = item, Status = SyncStatus.UpToDate, Digest = item.DestinationDigest };
    }

    private async Task<SyncItemResult> CopyAsync(SyncPlanItem item, CancellationToken cancellationToken)
    {
        Digest? moved = null;
        if (_recheck)
        {
            var now = await DestinationNowAsync(item, cancellationToken).ConfigureAwait(false);
            if (now != item.DestinationDigest)
            {
                return now == item.SourceDigest
                    ? new SyncItemResult { Item = item, Status = SyncStatus.UpToDate, Digest = now, Reason = "the destination already names the planned digest" }
                    : Changed(item, now);
            }

            if (item.Source!.Tag is not null)
            {
                using var source = ImageStores.OpenForRead(item.Source, _source);
                var current = await TryResolveAsync(source, item.Source, cancellationToken).ConfigureAwait(false);
                moved = current == item.SourceDigest ? null : current;
            }
        }

        var gate = ArchiveGate(item.Destination);
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var from = item.Source!.WithDigest(item.SourceDigest);
            if (item.Compression is not null)
            {
                return Result(item, moved, await CopyVerb.CopyAsync(from, item.Destination, new CopyOptions
                {
                    Compression = Layers.Compressions.Parse(item.Compression),
                    CompressionLevel = Layers.LayerCompressionLevel.Parse(item.CompressionLevel),
                    RequireSameDigest = item.RequireSameDigest,
                    RecordSourceDigest = true,
                }, _source, _destination, null, cancellationToken).ConfigureAwait(false));
            }

            using var source = ImageStores.OpenForRead(from, _source);
            using var target = ImageStores.OpenForWrite(item.Destination, _destination);
            var options = new CopyOptions
            {
                Platforms = item.Platforms.Count == 0 ? null : item.Platforms.Select(p => Platform.Parse(p)).ToList(),
                Single = item.Single,
                RequireSameDigest = item.RequireSameDigest,
                IncludeReferrers = item.IncludeReferrers,
                RecordSourceDigest = item.Platforms.Count > 0 && !item.Single,

                // What the plan (or the re-check above) just saw: the copy does not ask the destination again.
                DestinationTag = new TagSeen(item.DestinationDigest),
                ReadPlatform = false,
            };
            var copy = await new ImageCopier(source, target, options, _source.Log, null, _run).CopyAsync(from, item.Destination, cancellationToken).ConfigureAwait(false);
            return Result(item, moved, copy);
        }
        finally
        {
            gate?.Release();
        }
    }

    private static SyncItemResult Result(SyncPlanItem item, Digest? moved, CopyResult copy) => new()
    {
        Item = item,
        Status = copy.UpToDate ? SyncStatus.UpToDate : item.Action == SyncAction.Update ? SyncStatus.Updated : SyncStatus.Copied,
        Digest = copy.Digest,
        SourceMovedTo = moved,
        BlobsCopied = copy.BlobsCopied,
        BlobsReused = copy.BlobsSkipped,
        BlobsMounted = copy.BlobsMounted,
        BytesCopied = copy.BytesCopied,
        ReferrersCopied = copy.ReferrersCopied,
        Reason = moved is { } to ? $"the source's tag names {to} now; the planned {item.SourceDigest} was copied" : null,
    };

    private async Task<SyncItemResult> PruneAsync(SyncPlanItem item, CancellationToken cancellationToken)
    {
        var now = await DestinationNowAsync(item, cancellationToken).ConfigureAwait(false);
        if (now != item.DestinationDigest)
        {
            return Changed(item, now);
        }

        // Remove-OciTag's removal: the tag goes, the image stays for whatever else names it.
        using var store = ImageStores.OpenForUpdate(item.Destination.WithoutIdentifier(), _destination);
        await store.DeleteTagAsync(item.Destination.Tag!, cancellationToken).ConfigureAwait(false);
        await store.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SyncItemResult { Item = item, Status = SyncStatus.Pruned };
    }

    private static SyncItemResult Changed(SyncPlanItem item, Digest? now) => new()
    {
        Item = item,
        Status = SyncStatus.Skipped,
        Digest = now,
        Reason = $"the destination's tag named {Describe(item.DestinationDigest)} when planned and names {Describe(now)} now: skipped (plan again to review it)",
    };

    private static string Describe(Digest? digest) => digest?.ToString() ?? "nothing";

    private async Task<Digest?> DestinationNowAsync(SyncPlanItem item, CancellationToken cancellationToken)
    {
        IImageStore store;
        try
        {
            store = ImageStores.OpenForRead(item.Destination, _destination);
        }
        catch (OciException ex) when (ex is LayoutNotFoundException || (ex is FileNotFoundOciException && item.Destination.IsArchive))
        {
            return null;
        }

        using (store)
        {
            return await TryResolveAsync(store, item.Destination, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Digest?> TryResolveAsync(IImageStore store, Reference reference, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false)).Digest;
        }
        catch (OciException ex) when (ex is ManifestUnknownException or RepositoryUnknownException)
        {
            return null;
        }
    }

    /// <summary>An archive is one file rewritten whole: its images are written one at a time.</summary>
    private SemaphoreSlim? ArchiveGate(Reference destination) =>
        destination.IsArchive ? _archives.GetOrAdd(destination.LayoutPath ?? destination.ToString(), _ => new SemaphoreSlim(1)) : null;

    private static SyncItemResult With(SyncItemResult result, TimeSpan duration) => new()
    {
        Item = result.Item,
        Status = result.Status,
        Digest = result.Digest,
        SourceMovedTo = result.SourceMovedTo,
        BlobsCopied = result.BlobsCopied,
        BlobsReused = result.BlobsReused,
        BlobsMounted = result.BlobsMounted,
        BytesCopied = result.BytesCopied,
        ReferrersCopied = result.ReferrersCopied,
        Reason = result.Reason,
        Error = result.Error,
        Duration = duration,
    };
}
