using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transfer;

namespace OciImage.Core.Copy;

/// <summary>
/// What the copies of one run share (a mirror's images, copied at once): each blob crosses to a destination
/// once, whichever image needs it first, and the others wait for that copy and count it as reused; each source
/// manifest is read once, whoever (the plan or a copy) asked first.
/// </summary>
internal sealed class CopyRun
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BlobOutcome>>> _blobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<Manifest>>> _manifests = new(StringComparer.Ordinal);

    /// <summary>What this run asked the destinations about their blobs (a mirror's plan asks; its copies take the answers).</summary>
    public BlobPresence Presence { get; } = new();

    /// <summary>
    /// Runs <paramref name="copy"/> for a blob unless another copy of this run already did or is doing it for
    /// the same destination; then waits for that one and reports the blob as skipped (it crossed once).
    /// </summary>
    public async Task<BlobOutcome> EnsureBlobAsync(IImageStore target, Descriptor blob, Func<Task<BlobOutcome>> copy)
    {
        var mine = new Lazy<Task<BlobOutcome>>(copy, LazyThreadSafetyMode.ExecutionAndPublication);
        var shared = _blobs.GetOrAdd(target.Location + "\n" + blob.Digest, mine);
        if (ReferenceEquals(shared, mine))
        {
            return await mine.Value.ConfigureAwait(false);
        }

        await shared.Value.ConfigureAwait(false);
        return BlobOutcome.Skipped;
    }

    /// <summary>A manifest of a source, read (and verified) once a run.</summary>
    public Task<Manifest> GetManifestAsync(IImageStore source, Descriptor descriptor, CancellationToken cancellationToken) =>
        GetManifestAsync(source, descriptor.Digest, () => source.GetManifestAsync(descriptor, cancellationToken));

    /// <summary>The manifest a digest names in a source, from this run's reads, else read by <paramref name="read"/>.</summary>
    public async Task<Manifest> GetManifestAsync(IImageStore source, Digest digest, Func<Task<Manifest>> read)
    {
        var key = source.Location + "\n" + digest;
        var entry = _manifests.GetOrAdd(key, _ => new Lazy<Task<Manifest>>(read, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return await entry.Value.ConfigureAwait(false);
        }
        catch
        {
            // A failed read is not remembered: the next asker tries again.
            ((ICollection<KeyValuePair<string, Lazy<Task<Manifest>>>>)_manifests).Remove(new KeyValuePair<string, Lazy<Task<Manifest>>>(key, entry));
            throw;
        }
    }
}
