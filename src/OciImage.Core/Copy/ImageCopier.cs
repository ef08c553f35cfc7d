using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transfer;

namespace OciImage.Core.Copy;

/// <summary>
/// Copies an image or index between any two stores, as skopeo's copy does: blobs first (skipped when there,
/// mounted within a registry, else streamed through the digest verifier, several at once), then child
/// manifests by digest, then the top manifest under its tag. Manifests move as their exact bytes, so the
/// destination digest equals the source's unless platforms were filtered. A copy already complete at the
/// destination costs two manifest checks and nothing else.
/// </summary>
internal sealed class ImageCopier
{
    private readonly IImageStore _source;
    private readonly IImageStore _target;
    private readonly CopyOptions _options;
    private readonly IEngineLog _log;
    private readonly IProgress<CopyProgress>? _progress;
    private readonly CopyRun? _run;
    private readonly ConcurrentDictionary<Digest, Task<BlobOutcome>> _blobs = new();
    private readonly Dictionary<Digest, Manifest> _children = new();
    private readonly HashSet<Digest> _putChildren = new();
    private long _bytesDone;
    private long _bytesCopied;
    private long _totalBytes;
    private int _manifests;

    /// <param name="run">Shared with the other copies of a run (a mirror): blobs cross once, manifests are read once.</param>
    public ImageCopier(IImageStore source, IImageStore target, CopyOptions options, IEngineLog log, IProgress<CopyProgress>? progress, CopyRun? run = null)
    {
        _run = run;
        _source = source;
        _target = target;
        _options = options;
        _log = log;
        _progress = progress;
    }

    /// <summary>
    /// Copies what <paramref name="from"/> names to <paramref name="to"/>. Each call runs with state of its own
    /// (blobs seen, bytes, counts), so one copier may serve several copies, one after another or at once.
    /// </summary>
    public Task<CopyResult> CopyAsync(Reference from, Reference to, CancellationToken cancellationToken) =>
        new ImageCopier(_source, _target, _options, _log, _progress, _run).RunAsync(from, to, cancellationToken);

    private async Task<CopyResult> RunAsync(Reference from, Reference to, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var top = from.Digest is { } pinned && _run is not null
            ? await _run.GetManifestAsync(_source, pinned, () => _source.GetManifestAsync(from, cancellationToken)).ConfigureAwait(false)
            : await _source.GetManifestAsync(from, cancellationToken).ConfigureAwait(false);
        var (manifest, platforms) = await SelectAsync(from, top, cancellationToken).ConfigureAwait(false);
        if (manifest.Digest != top.Digest)
        {
            if (_options.RequireSameDigest)
            {
                throw new DigestWouldChangeException(from.ToString(), top.Digest, manifest.Digest);
            }

            _log.Warning($"The destination digest will differ from the source's: {manifest.Digest} instead of {top.Digest}, because only {string.Join(", ", platforms)} {(platforms.Count == 1 ? "is" : "are")} copied.");
        }

        var upToDate = await AlreadyThereAsync(manifest, to, cancellationToken).ConfigureAwait(false);
        if (upToDate)
        {
            _log.Verbose($"{to} already holds {manifest.Digest}: nothing to copy.");
        }
        else
        {
            var tree = CopyManifestTreeAsync(manifest, cancellationToken);

            // Read back before the tag is written: whatever fails here must leave the tag where it was. As soon as
            // the config is in place, while the layers still stream (not one more round trip after them).
            var platform = _options.ReadPlatform && manifest is ImageManifest image && MediaTypes.IsImageConfig(image.Config.MediaType) && platforms.Count == 0
                && _blobs.TryGetValue(image.Config.Digest, out var config)
                ? PlatformAfterAsync(config, image, cancellationToken)
                : null;
            try
            {
                await tree.ConfigureAwait(false);
            }
            catch
            {
                // The copy's failure is the one to report; the read back's is observed and dropped.
                _ = platform?.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw;
            }

            if (platform is not null)
            {
                platforms.Add(await platform.ConfigureAwait(false));
            }

            await PutManifestAsync(manifest, to.Tag, cancellationToken).ConfigureAwait(false);
            _manifests++;
        }

        var referrers = _options.IncludeReferrers ? await CopyReferrersAsync(top.Digest, cancellationToken).ConfigureAwait(false) : 0;

        // Last: a store that writes a file (an archive) writes it now, with everything in place.
        await _target.CommitAsync(cancellationToken).ConfigureAwait(false);
        var outcomes = _blobs.Values.Where(t => t.Status == TaskStatus.RanToCompletion).Select(t => t.Result).ToList();
        return new CopyResult
        {
            Source = from.WithDigest(top.Digest),
            Destination = to.WithDigest(manifest.Digest),
            Digest = manifest.Digest,
            SourceDigest = top.Digest,
            Platforms = platforms,
            BlobsCopied = outcomes.Count(o => o == BlobOutcome.Copied),
            BlobsSkipped = outcomes.Count(o => o == BlobOutcome.Skipped),
            BlobsMounted = outcomes.Count(o => o == BlobOutcome.Mounted),
            BytesCopied = Interlocked.Read(ref _bytesCopied),
            ManifestsCopied = _manifests,
            ReferrersCopied = referrers,
            Duration = clock.Elapsed,
            UpToDate = upToDate && referrers == 0,
        };
    }

    /// <summary>
    /// The platform of an image's config, read once the config is in the target: from the target, which may have
    /// held the config already (the source's may then be anything); but a config this copy took from a layout is
    /// read there, a local file, and not again over the network (a push).
    /// </summary>
    private async Task<string> PlatformAfterAsync(Task<BlobOutcome> config, ImageManifest image, CancellationToken cancellationToken)
    {
        await config.ConfigureAwait(false);
        var holder = _source is ILocalBlobs && CopiedHere(image.Config.Digest) ? _source : _target;
        return (await ImageReader.GetConfigAsync(holder, image, cancellationToken).ConfigureAwait(false)).Platform.ToString();
    }

    /// <summary>The manifest to write: the source's, or a platform-filtered index, or one platform's image.</summary>
    private async Task<(Manifest Manifest, List<string> Platforms)> SelectAsync(Reference from, Manifest top, CancellationToken cancellationToken)
    {
        if (top is not ImageIndex index)
        {
            // A single image's platform is in its config, read only if the copy moves it (not on the fast path).
            return (top, new List<string>());
        }

        // An export of one platform (ctr images export by default) keeps the whole index but not the other
        // platforms' content: what is there is copied, and the rest named.
        if (_options.Platforms is not { Count: > 0 } wanted)
        {
            var absent = await AbsentChildrenAsync(index.Manifests, cancellationToken).ConfigureAwait(false);
            var everyPlatform = index.Platforms().ToList();
            if (absent.Count == 0)
            {
                return (top, everyPlatform);
            }

            if (absent.Count == index.Manifests.Count(m => MediaTypes.IsManifest(m.MediaType)))
            {
                throw new BlobUnknownException(from.ToString(), absent[0].Digest) { Target = from };
            }

            _log.Warning($"{from} lists {Describe(absent)} but holds no content for {(absent.Count == 1 ? "it" : "them")} (a partial export, such as ctr images export writes for one platform): copying the rest. Use -Platform to choose.");
            return (FilteredIndex(index, index.Manifests.Where(m => !absent.Contains(m)).ToList()), everyPlatform.Where(p => absent.All(a => a.Platform?.ToString() != p)).ToList());
        }

        var chosen = wanted.Select(p => PlatformChoice.Best(p, index.Manifests)).ToList();
        var selected = Selected(index, wanted);
        var missing = wanted.Where((p, i) => chosen[i].Count == 0).ToList();
        if (missing.Count > 0)
        {
            throw new PlatformNotFoundException(from.ToString(), $"the index has no image for {string.Join(", ", missing)} (it has {ImageReader.DescribePlatforms(index)})");
        }

        var notHeld = await AbsentChildrenAsync(selected, cancellationToken).ConfigureAwait(false);
        if (notHeld.Count > 0)
        {
            throw new PlatformNotFoundException(from.ToString(), $"the index lists {Describe(notHeld)} but the source holds no content for {(notHeld.Count == 1 ? "it" : "them")} (a partial export); use -Platform to choose another");
        }

        var names = ImageIndex.PlatformsOf(selected).ToList();
        if (_options.Single)
        {
            if (selected.Count != 1)
            {
                throw new AmbiguousReferenceException(from.ToString(), $"-Single needs exactly one image, and {selected.Count} match ({string.Join(", ", names)})");
            }

            return (await SourceManifestAsync(selected[0], cancellationToken).ConfigureAwait(false), names);
        }

        if (selected.Count == index.Manifests.Count)
        {
            return (top, names);
        }

        return (FilteredIndex(index, selected, _options.RecordSourceDigest ? top.Digest : null), names);
    }

    /// <summary>The entries of an index a platform filter takes: for each platform asked, its best matches.</summary>
    internal static List<Descriptor> Selected(ImageIndex index, IReadOnlyList<Platform> wanted)
    {
        var chosen = wanted.Select(p => PlatformChoice.Best(p, index.Manifests)).ToList();
        return index.Manifests.Where(m => chosen.Any(c => c.Contains(m))).ToList();
    }

    /// <summary>What a copy with this platform filter writes for an index (without <see cref="CopyOptions.RecordSourceDigest"/>).</summary>
    internal static ImageIndex Filtered(ImageIndex index, IReadOnlyList<Platform> wanted)
    {
        var selected = Selected(index, wanted);
        return selected.Count == index.Manifests.Count ? index : FilteredIndex(index, selected);
    }

    /// <summary>A valid, smaller index: same media type and annotations, only the chosen entries.</summary>
    /// <param name="source">When given, recorded as the digest it was cut from (<see cref="SourceRecord"/>).</param>
    private static ImageIndex FilteredIndex(ImageIndex index, IReadOnlyList<Descriptor> entries, Digest? source = null)
    {
        var filtered = ManifestParser.Create(new ImageIndex
        {
            SchemaVersion = 2,
            DeclaredMediaType = index.DeclaredMediaType ?? index.MediaType,
            ArtifactType = index.ArtifactType,
            Manifests = entries,
            Annotations = index.Annotations,
            Subject = index.Subject,
        });
        return source is { } digest && filtered.MediaType == MediaTypes.OciIndex ? (ImageIndex)SourceRecord.With(filtered, digest) : filtered;
    }

    /// <summary>The index entries whose manifests the source does not hold; the ones it holds are kept for the copy.</summary>
    private async Task<List<Descriptor>> AbsentChildrenAsync(IEnumerable<Descriptor> entries, CancellationToken cancellationToken)
    {
        var absent = new List<Descriptor>();
        foreach (var entry in entries.Where(m => MediaTypes.IsManifest(m.MediaType)))
        {
            try
            {
                _children[entry.Digest] = await SourceManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (OciException ex) when (ex is BlobUnknownException or ManifestUnknownException)
            {
                absent.Add(entry);
            }
        }

        return absent;
    }

    private Task<Manifest> SourceManifestAsync(Descriptor entry, CancellationToken cancellationToken) =>
        _run is null ? _source.GetManifestAsync(entry, cancellationToken) : _run.GetManifestAsync(_source, entry, cancellationToken);

    private static string Describe(IReadOnlyList<Descriptor> entries) =>
        string.Join(", ", entries.Select(e => e.Platform?.ToString() ?? e.Digest.ToString()));

    /// <summary>True when the destination has this digest and the tag already names it: nothing to write.</summary>
    private async Task<bool> AlreadyThereAsync(Manifest manifest, Reference to, CancellationToken cancellationToken)
    {
        if (_options.DestinationTag is { } seen && to.Tag is not null && _target.RefusesIncompleteManifests)
        {
            // This run just saw what the tag names: the same answer the two HEADs below would give.
            return seen.Digest == manifest.Digest;
        }

        try
        {
            var byDigest = await _target.ResolveAsync(to.WithTag(null).WithDigest(manifest.Digest), cancellationToken).ConfigureAwait(false);
            if (byDigest.Digest != manifest.Digest)
            {
                return false;
            }

            if (to.Tag is not null)
            {
                var byTag = await _target.ResolveAsync(to.WithDigest(null), cancellationToken).ConfigureAwait(false);
                if (byTag.Digest != manifest.Digest)
                {
                    return false;
                }
            }

            // A store that refuses incomplete manifests (a registry) is complete; another is checked blob by blob.
            return _target.RefusesIncompleteManifests || await LayoutCompleteAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        catch (ManifestUnknownException)
        {
            return false;
        }
        catch (RepositoryUnknownException)
        {
            return false;
        }
        catch (AmbiguousReferenceException)
        {
            return false;
        }
    }

    private async Task<bool> LayoutCompleteAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        IReadOnlyList<ManifestNode> below;
        try
        {
            // Each child once, through the one bounded walk; a child the target lacks ends it.
            below = await ManifestGraph.WalkAsync(
                manifest,
                async (child, ct) => await _target.HasBlobAsync(child, ct).ConfigureAwait(false)
                    ? await _target.GetManifestAsync(child, ct).ConfigureAwait(false)
                    : throw new BlobUnknownException(_target.Location.ToString(), child.Digest),
                null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (BlobUnknownException)
        {
            return false;
        }

        foreach (var blob in below.Select(n => n.Manifest).Prepend(manifest).SelectMany(BlobsOf).GroupBy(b => b.Digest).Select(g => g.First()))
        {
            if (!await _target.HasBlobAsync(blob, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Copies every blob and child manifest below a manifest (not the manifest itself): the blobs of every image
    /// in one parallel pass (shared blobs move once), then each child manifest once, after those it lists.
    /// </summary>
    private async Task CopyManifestTreeAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        if (manifest is ImageManifest image)
        {
            await CopyBlobsAsync(BlobsOf(image).ToList(), cancellationToken).ConfigureAwait(false);
            return;
        }

        var below = await ManifestGraph.WalkAsync(
            manifest,
            async (entry, ct) => _children.TryGetValue(entry.Digest, out var fetched) ? fetched : await SourceManifestAsync(entry, ct).ConfigureAwait(false),
            null,
            cancellationToken).ConfigureAwait(false);
        foreach (var index in below.Select(n => n.Manifest).Prepend(manifest).OfType<ImageIndex>())
        {
            foreach (var entry in index.Manifests.Where(e => !MediaTypes.IsManifest(e.MediaType)))
            {
                _log.Warning($"Skipped index entry {entry.Digest}: media type {entry.MediaType} is not a manifest this module copies; the destination may reject the index.");
            }
        }

        await CopyBlobsAsync(below.SelectMany(n => BlobsOf(n.Manifest)).ToList(), cancellationToken).ConfigureAwait(false);
        foreach (var child in below.Select(n => n.Manifest))
        {
            if (_putChildren.Add(child.Digest))
            {
                await PutManifestAsync(child, null, cancellationToken, asChild: true).ConfigureAwait(false);
                _manifests++;
            }
        }
    }

    /// <summary>
    /// Puts a manifest; when the registry says a blob it needs is missing or unverified (the CNCF registry can,
    /// while another client commits the same blob to the same repository), checks its blobs again and retries once.
    /// </summary>
    private async Task PutManifestAsync(Manifest manifest, string? tag, CancellationToken cancellationToken, bool asChild = false)
    {
        Task Put() => asChild ? _target.PutChildManifestAsync(manifest, cancellationToken) : _target.PutManifestAsync(manifest, tag, cancellationToken);
        try
        {
            await Put().ConfigureAwait(false);
        }
        catch (OciException ex) when (IsBlobRace(ex))
        {
            _log.Verbose($"The registry refused manifest {manifest.Digest} ({ex.Message}); checking its blobs and trying once more.");
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            var copied = 0;
            foreach (var blob in BlobsOf(manifest))
            {
                // Asked again, whatever this run learned before (a mirror's plan): the registry's answer now decides.
                copied += await BlobTransfer.EnsureAsync(_source, _target, blob, new RetryBudget(), _log, null, cancellationToken).ConfigureAwait(false) == BlobOutcome.Skipped ? 0 : 1;
            }

            try
            {
                await Put().ConfigureAwait(false);
            }
            catch (RegistryErrorException again) when (IsBlobRace(again) && copied == 0 && BlobsOf(manifest).Any())
            {
                // It claims every blob the manifest names and refuses the manifest for one of them: no retry helps.
                throw new RegistryErrorException(
                    $"manifest put of {manifest.Digest} to {_target.Location}", again.StatusCode, again.Code,
                    $"the registry refuses the manifest for a blob it lacks, yet answers that it holds each of the {BlobsOf(manifest).Count()} blobs the manifest names (asked again just now); it contradicts itself, so nothing was tagged ({again.Message})");
            }
        }
    }

    private static bool IsBlobRace(OciException ex) =>
        ex is RegistryErrorException { Code: "DIGEST_INVALID" or "MANIFEST_BLOB_UNKNOWN" or "BLOB_UNKNOWN" };

    private async Task CopyBlobsAsync(IReadOnlyList<Descriptor> blobs, CancellationToken cancellationToken)
    {
        // Largest first: the biggest blob is the longest single stream, and starting it last would leave it
        // running alone at the end.
        var unique = blobs.GroupBy(b => b.Digest).Select(g => g.First()).Where(b => !_blobs.ContainsKey(b.Digest))
            .OrderByDescending(b => b.Size).ToList();
        Interlocked.Add(ref _totalBytes, unique.Sum(b => b.Size));
        using var throttle = new SemaphoreSlim(Math.Max(1, _options.ThrottleLimit));
        var tasks = unique.Select(blob => _blobs.GetOrAdd(blob.Digest, _ => _run is null
            ? CopyBlobAsync(blob, throttle, cancellationToken)
            : _run.EnsureBlobAsync(_target, blob, () => CopyBlobAsync(blob, throttle, cancellationToken)))).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task<BlobOutcome> CopyBlobAsync(Descriptor blob, SemaphoreSlim throttle, CancellationToken cancellationToken)
    {
        await throttle.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long reported = 0;
            var perBlob = _progress is null ? null : new Progress(bytes =>
            {
                var delta = bytes - reported;
                reported = bytes;
                var total = Interlocked.Add(ref _bytesDone, delta);
                _progress.Report(new CopyProgress(blob.Digest, bytes, blob.Size, total, Interlocked.Read(ref _totalBytes), false));
            });
            // The plan's answer stands in for a HEAD only where a lost blob is caught later: a registry refuses the
            // manifest then. A layout takes any manifest, so it is asked again (a local file check, not a request).
            var known = _target.RefusesIncompleteManifests ? _run?.Presence.Known(_target, blob) : null;
            var outcome = await BlobTransfer.EnsureAsync(_source, _target, blob, new RetryBudget(), _log, perBlob, cancellationToken, known).ConfigureAwait(false);
            if (outcome == BlobOutcome.Copied)
            {
                Interlocked.Add(ref _bytesCopied, blob.Size);
            }

            var done = Interlocked.Add(ref _bytesDone, blob.Size - reported);
            _progress?.Report(new CopyProgress(blob.Digest, blob.Size, blob.Size, done, Interlocked.Read(ref _totalBytes), true));
            return outcome;
        }
        finally
        {
            throttle.Release();
        }
    }

    private async Task<int> CopyReferrersAsync(Digest subject, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var referrer in await Referrers.ListAsync(_source, subject, cancellationToken).ConfigureAwait(false))
        {
            var manifest = await SourceManifestAsync(referrer, cancellationToken).ConfigureAwait(false);
            if (!Referrers.Refers(manifest, subject))
            {
                // A listing (a fallback tag anyone who can push writes, or a registry's answer) is no proof: copied,
                // it would land at the destination as another manifest's referrer, or as none, and be "missing" for ever.
                _log.Warning($"{_source.Location}: {referrer.Digest} is listed as a referrer of {subject}, but its subject is {manifest.Subject?.Digest.ToString() ?? "none"}; not copied.");
                continue;
            }

            await CopyManifestTreeAsync(manifest, cancellationToken).ConfigureAwait(false);

            // Its blobs may race another client's as any manifest's do: the same checked put.
            await PutManifestAsync(manifest, null, cancellationToken).ConfigureAwait(false);
            _manifests++;
            await Referrers.RecordAsync(_target, manifest, cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    /// <summary>True when this copy moved the blob's bytes from the source (so the source's verified).</summary>
    private bool CopiedHere(Digest digest) =>
        _blobs.TryGetValue(digest, out var task) && task.Status == TaskStatus.RanToCompletion && task.Result == BlobOutcome.Copied;

    private static IEnumerable<Descriptor> BlobsOf(Manifest manifest) =>
        manifest is ImageManifest image ? image.Layers.Prepend(image.Config) : Enumerable.Empty<Descriptor>();

    /// <summary>A synchronous IProgress: reports arrive in order on the copying thread.</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
