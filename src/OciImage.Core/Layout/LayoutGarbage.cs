using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Layout;

/// <summary>A blob no index.json entry reaches, with its size and age.</summary>
public sealed class UnusedBlob
{
    public UnusedBlob(Digest digest, long size, DateTime modified)
    {
        Digest = digest;
        Size = size;
        Modified = modified;
    }

    public Digest Digest { get; }

    public long Size { get; }

    public DateTime Modified { get; }
}

/// <summary>What a collection found: the unused blobs old enough to go, and what it kept.</summary>
public sealed class LayoutGarbageReport
{
    public LayoutGarbageReport(IReadOnlyList<UnusedBlob> unused, int reachable, int young)
    {
        Unused = unused;
        ReachableBlobs = reachable;
        YoungBlobs = young;
    }

    public IReadOnlyList<UnusedBlob> Unused { get; }

    /// <summary>Blobs some index.json entry reaches.</summary>
    public int ReachableBlobs { get; }

    /// <summary>Unused blobs kept because they are younger than the grace period (a copy may be about to name them).</summary>
    public int YoungBlobs { get; }
}

/// <summary>
/// Garbage collection for a layout, as umoci gc and go-containerregistry's layout GC do it: a blob stays when an
/// index.json entry reaches it through manifests, indexes, configs, layers and subjects, or when it is younger
/// than the grace period (a copy writes blobs before their entry; reusing a blob renews its time). Removal runs
/// under the layout lock and looks again before each delete; writers' temp files are never touched.
/// </summary>
internal static class LayoutGarbage
{
    public static async Task<LayoutGarbageReport> FindAsync(OciLayoutStore layout, TimeSpan grace, CancellationToken cancellationToken)
    {
        var reachable = await ReachableAsync(layout, cancellationToken).ConfigureAwait(false);
        return Survey(layout, reachable, grace);
    }

    /// <summary>Deletes those of <paramref name="approved"/> that are still unused and old, under the lock; returns what went.</summary>
    public static async Task<IReadOnlyList<UnusedBlob>> RemoveAsync(OciLayoutStore layout, IEnumerable<Digest> approved, TimeSpan grace, CancellationToken cancellationToken)
    {
        using var writeLock = await LayoutLock.AcquireAsync(layout.Root, layout.Clock, cancellationToken).ConfigureAwait(false);
        var reachable = await ReachableAsync(layout, cancellationToken).ConfigureAwait(false);
        var wanted = new HashSet<Digest>(approved);
        var removed = new List<UnusedBlob>();
        foreach (var blob in Survey(layout, reachable, grace).Unused.Where(b => wanted.Contains(b.Digest)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Delete(layout.BlobPath(blob.Digest));
            removed.Add(blob);
        }

        return removed;
    }

    private static LayoutGarbageReport Survey(OciLayoutStore layout, HashSet<Digest> reachable, TimeSpan grace)
    {
        var cutoff = DateTime.UtcNow - grace;
        var unused = new List<UnusedBlob>();
        var kept = 0;
        var young = 0;
        var blobs = Path.Combine(layout.Root, "blobs");
        if (!Directory.Exists(blobs))
        {
            return new LayoutGarbageReport(unused, 0, 0);
        }

        foreach (var folder in Directory.EnumerateDirectories(blobs))
        {
            var algorithm = Path.GetFileName(folder);
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                // Only files named by a digest are blobs: a writer's temp file never is.
                if (!Digest.TryParse(algorithm + ":" + Path.GetFileName(file), out var digest))
                {
                    continue;
                }

                var info = new FileInfo(file);
                if (reachable.Contains(digest))
                {
                    kept++;
                }
                else if (info.LastWriteTimeUtc > cutoff)
                {
                    young++;
                }
                else
                {
                    unused.Add(new UnusedBlob(digest, info.Length, info.LastWriteTimeUtc));
                }
            }
        }

        return new LayoutGarbageReport(unused.OrderByDescending(b => b.Size).ToList(), kept, young);
    }

    private static async Task<HashSet<Digest>> ReachableAsync(OciLayoutStore layout, CancellationToken cancellationToken)
    {
        var reachable = new HashSet<Digest>();
        var pending = new Stack<Descriptor>(layout.ReadIndex().Manifests);
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var descriptor = pending.Pop();
            if (!reachable.Add(descriptor.Digest) || !File.Exists(layout.BlobPath(descriptor.Digest)))
            {
                continue;
            }

            Manifest manifest;
            try
            {
                manifest = MediaTypes.IsManifest(descriptor.MediaType) || descriptor.MediaType.Length == 0
                    ? await layout.GetManifestAsync(descriptor, cancellationToken).ConfigureAwait(false)
                    : null!;
            }
            catch (OciException)
            {
                continue; // not a manifest this module reads (or damaged): it is kept, and nothing below it is known
            }

            switch (manifest)
            {
                case ImageManifest image:
                    pending.Push(image.Config);
                    foreach (var layer in image.Layers)
                    {
                        pending.Push(layer);
                    }

                    if (image.Subject is { } subject)
                    {
                        pending.Push(subject);
                    }

                    break;
                case ImageIndex index:
                    foreach (var child in index.Manifests)
                    {
                        pending.Push(child);
                    }

                    if (index.Subject is { } indexSubject)
                    {
                        pending.Push(indexSubject);
                    }

                    break;
            }
        }

        return reachable;
    }
}
