using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Copy;

/// <summary>
/// What one run (a mirror: its plan, then its copies, in one invocation) learned about blobs at its destinations,
/// so each is asked about once: the plan's HEAD answers the copy's question. A saved plan carries none of it (its
/// run is new). An answer stands only for the descriptor asked about (destination, digest and size): one that gives
/// the same digest another size is asked again. Trusting "there" is no weaker than the HEAD it replaces: a registry
/// that lost or never had the blob refuses the manifest, and the copy then asks again, blob by blob. A layout refuses
/// no manifest, so its copies never take these answers (a blob removed since the plan would leave a tag on an incomplete image).
/// </summary>
internal sealed class BlobPresence
{
    private readonly ConcurrentDictionary<string, Task<bool>> _answers = new(StringComparer.Ordinal);

    /// <summary>Whether the store holds the blob (its HEAD, sent once a run).</summary>
    public Task<bool> AskAsync(IImageStore store, Descriptor blob, CancellationToken cancellationToken) =>
        _answers.GetOrAdd(Key(store, blob), _ => store.HasBlobAsync(blob, cancellationToken));

    /// <summary>The answer this run already has (true: there; false: absent); null when it has none, or its question failed.</summary>
    public bool? Known(IImageStore store, Descriptor blob) =>
        _answers.TryGetValue(Key(store, blob), out var answer) && answer.Status == TaskStatus.RanToCompletion ? answer.Result : null;

    private static string Key(IImageStore store, Descriptor blob) => store.Location + "\n" + blob.Digest + "\n" + blob.Size;
}
