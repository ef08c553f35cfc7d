using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Measure-OciRepository: walks every tag's graph (manifest, config, layers; an index and every child, nested
/// indexes too), in parallel up to a throttle, then counts for each blob how many roots reach it. A root is a tag
/// or, in a layout, an untagged index.json entry: Remove-OciUnusedBlob keeps what those reach, so they count as
/// kept and what a removal is said to free is what the garbage collection then frees. Sizes come from the
/// descriptors (verified manifests), so no blob is read or stat'ed. Memory: one (digest, size, kind) per blob a
/// root reaches, and one count per distinct blob.
/// </summary>
public static class RepositoryMeasureVerb
{
    /// <param name="repository">Registry repository, oci: layout or archive; a tag or digest on it is ignored.</param>
    /// <param name="remove">Tags whose removal to measure (null or empty: none).</param>
    public static async Task<RepositoryMeasurement> MeasureAsync(Reference repository, IReadOnlyCollection<string>? remove, StoreContext context,
        CancellationToken cancellationToken, int throttle = RegistryConcurrency.TagsAtOnce)
    {
        if (throttle < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttle), "The throttle is 1 or more.");
        }

        repository = repository.WithoutIdentifier();
        using var store = ImageStores.OpenForRead(repository, context);
        var listed = new List<TaggedManifest>();
        await foreach (var tagged in TagListing.ListAsync(store, cancellationToken).ConfigureAwait(false))
        {
            listed.Add(tagged);
        }

        var untagged = store is IUntaggedManifests keeps ? await keeps.UntaggedManifestsAsync(cancellationToken).ConfigureAwait(false) : Array.Empty<Descriptor>();
        using var gate = new SemaphoreSlim(throttle);
        var work = listed.Select(t => (Tag: (string?)t.Tag, Known: t.Manifest))
            .Concat(untagged.Select(d => (Tag: (string?)null, Known: (Descriptor?)d)))
            .Select(async root =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return await WalkAsync(store, repository, root.Tag, root.Known, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
        var roots = await Task.WhenAll(work).ConfigureAwait(false);

        var tags = new HashSet<string>(listed.Select(t => t.Tag), StringComparer.Ordinal);
        var problems = new List<OciException>();
        var removing = new List<string>();
        foreach (var tag in (remove ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal))
        {
            if (tags.Contains(tag))
            {
                removing.Add(tag);
            }
            else
            {
                problems.Add(new ManifestUnknownException(repository.WithTag(tag).ToString(), $"tag '{tag}' is not in the repository; it was left out of FreedBytes") { Target = tag });
            }
        }

        problems.AddRange(roots.Where(r => r.Error is not null).Select(r => r.Error!));
        return Count(repository, roots, removing, problems);
    }

    /// <summary>Counts, per distinct blob, the roots that reach it and the kept roots that reach it.</summary>
    private static RepositoryMeasurement Count(Reference repository, IReadOnlyList<MeasuredRoot> roots, List<string> removing, List<OciException> problems)
    {
        var removed = new HashSet<string>(removing, StringComparer.Ordinal);
        var users = new Dictionary<Digest, (long Size, int All, int Kept, int Tagged)>();
        foreach (var root in roots)
        {
            root.Removed = root.Tag is not null && removed.Contains(root.Tag);
            foreach (var blob in root.Blobs)
            {
                users.TryGetValue(blob.Digest, out var u);
                users[blob.Digest] = (blob.Size, u.All + 1, u.Kept + (root.Removed ? 0 : 1), u.Tagged + (root.Tag is null ? 0 : 1));
            }
        }

        foreach (var root in roots)
        {
            root.TotalBytes = root.Blobs.Sum(b => b.Size);
            root.UniqueBytes = root.Blobs.Where(b => users[b.Digest].All == 1).Sum(b => b.Size);
            root.SharedBytes = root.TotalBytes - root.UniqueBytes;
        }

        var freed = users.Values.Where(u => u.Kept == 0).ToList();
        return new RepositoryMeasurement(repository, roots, removing, problems)
        {
            BlobCount = users.Count,
            StoredBytes = users.Values.Sum(u => u.Size),
            UntaggedOnlyBytes = users.Values.Where(u => u.Tagged == 0).Sum(u => u.Size),
            BlobsFreed = freed.Count,
            FreedBytes = freed.Sum(u => u.Size),
        };
    }

    /// <summary>Every blob one root reaches, each digest once (an explicit stack: no depth an input chooses reaches the call stack).</summary>
    private static async Task<MeasuredRoot> WalkAsync(IImageStore store, Reference repository, string? tag, Descriptor? known, CancellationToken cancellationToken)
    {
        Manifest top;
        try
        {
            top = known is null
                ? await store.GetManifestAsync(repository.WithTag(tag!), cancellationToken).ConfigureAwait(false)
                : await store.GetManifestAsync(known, cancellationToken).ConfigureAwait(false);
        }
        catch (OciException e)
        {
            return new MeasuredRoot(tag, known?.Digest, known?.MediaType, Array.Empty<MeasuredBlob>(), e);
        }

        var blobs = new List<MeasuredBlob>();
        var seen = new HashSet<Digest>();
        var pending = new Stack<Manifest>();
        pending.Push(top);
        seen.Add(top.Digest);
        OciException? error = null;
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var manifest = pending.Pop();
            blobs.Add(new MeasuredBlob(manifest.Digest, manifest.Size, manifest is ImageIndex ? MeasuredBlobKind.Index : MeasuredBlobKind.Manifest));
            var below = manifest switch
            {
                ImageManifest image => new[] { image.Config }.Concat(image.Layers),
                ImageIndex index => index.Manifests,
                _ => Enumerable.Empty<Descriptor>(),
            };
            foreach (var descriptor in below)
            {
                if (!seen.Add(descriptor.Digest))
                {
                    continue;
                }

                if (!MediaTypes.IsManifest(descriptor.MediaType) || manifest is ImageManifest)
                {
                    var kind = manifest is ImageIndex ? MeasuredBlobKind.Other : ReferenceEquals(descriptor, ((ImageManifest)manifest).Config) ? MeasuredBlobKind.Config : MeasuredBlobKind.Layer;
                    blobs.Add(new MeasuredBlob(descriptor.Digest, descriptor.Size, kind));
                    continue;
                }

                try
                {
                    pending.Push(await store.GetManifestAsync(descriptor, cancellationToken).ConfigureAwait(false));
                }
                catch (OciException e)
                {
                    // The child is counted by its descriptor; what it lists is unknown, so the root reports the error.
                    blobs.Add(new MeasuredBlob(descriptor.Digest, descriptor.Size, MeasuredBlobKind.Manifest));
                    error ??= e;
                }
            }
        }

        return new MeasuredRoot(tag, top.Digest, top.MediaType, blobs, error);
    }
}
