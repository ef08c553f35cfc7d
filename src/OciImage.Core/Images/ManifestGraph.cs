using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.Images;

/// <summary>A manifest below an index, with the first index entry that listed it.</summary>
internal sealed class ManifestNode(Descriptor entry, Manifest manifest)
{
    public Descriptor Entry { get; } = entry;

    public Manifest Manifest { get; } = manifest;
}

/// <summary>
/// The one walk over the manifests below an index, for every caller that follows index entries (validation,
/// copy, layout completeness). It is iterative (an explicit stack, so no depth an input chooses reaches the call
/// stack), visits each digest once (an index DAG of 33 blobs, each listing the next twice, is 33 reads and not
/// 2^32), and refuses indexes nested more than <see cref="MaxIndexDepth"/> levels, measured on the longest path
/// (a digest seen before brings the depth below it along).
/// </summary>
internal static class ManifestGraph
{
    /// <summary>
    /// How many indexes may stand on one path from the top down to an image, the top included. Real images use
    /// one or two (an index of platforms; an index of such indexes). containerd's images.Walk and
    /// go-containerregistry's walkers recurse with no limit; the image-spec discussion of recursive references
    /// (opencontainers/image-spec#780) floated about 20 as a bound registries could set. 16 leaves room for
    /// any real nesting and keeps a hostile chain to 16 reads.
    /// </summary>
    public const int MaxIndexDepth = 16;

    /// <summary>
    /// The manifests below <paramref name="top"/> (not top itself), each digest once, every manifest after all
    /// those it lists (so a copy can put them in this order). Entries whose media type is not a manifest's are
    /// not followed: callers look at those themselves.
    /// </summary>
    /// <param name="fetch">Reads the manifest an entry names.</param>
    /// <param name="tolerate">
    /// Called with an entry that cannot be read (or nests too deep); true means the caller has noted it and the
    /// walk goes on without it, false (or no callback) that the error is thrown.
    /// </param>
    public static async Task<IReadOnlyList<ManifestNode>> WalkAsync(
        Manifest top,
        Func<Descriptor, CancellationToken, Task<Manifest>> fetch,
        Func<Descriptor, OciException, bool>? tolerate,
        CancellationToken cancellationToken)
    {
        var below = new List<ManifestNode>();
        if (top is not ImageIndex)
        {
            return below;
        }

        // Indexes at and below a finished digest, on its longest path (0 for an image or an entry not followed).
        var levels = new Dictionary<Digest, int>();
        var onPath = new HashSet<Digest> { top.Digest };
        var stack = new Stack<Frame>();
        stack.Push(new Frame(null, (ImageIndex)top));
        while (stack.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var frame = stack.Peek();
            if (frame.Next == frame.Index.Manifests.Count)
            {
                stack.Pop();
                onPath.Remove(frame.Index.Digest);
                levels[frame.Index.Digest] = 1 + frame.DeepestChild;
                if (frame.Entry is not null)
                {
                    below.Add(new ManifestNode(frame.Entry, frame.Index));
                    stack.Peek().Saw(1 + frame.DeepestChild);
                }

                continue;
            }

            var entry = frame.Index.Manifests[frame.Next++];
            if (!MediaTypes.IsManifest(entry.MediaType))
            {
                continue;
            }

            if (levels.TryGetValue(entry.Digest, out var known))
            {
                // Seen before: not read again, but its depth counts on this path too.
                if (stack.Count + known > MaxIndexDepth && !Tolerated(entry, TooDeep(entry), tolerate))
                {
                    throw TooDeep(entry);
                }

                frame.Saw(known);
                continue;
            }

            if (onPath.Contains(entry.Digest))
            {
                // Content addressing makes a cycle impossible for verified bytes; a store that does not verify could.
                var cycle = new InvalidManifestException($"index {frame.Index.Digest}", $"it lists {entry.Digest}, which lists it again");
                if (!Tolerated(entry, cycle, tolerate))
                {
                    throw cycle;
                }

                continue;
            }

            Manifest child;
            try
            {
                child = await fetch(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (OciException ex) when (Tolerated(entry, ex, tolerate))
            {
                levels[entry.Digest] = 0;
                continue;
            }

            if (child is ImageIndex nested)
            {
                if (stack.Count + 1 > MaxIndexDepth)
                {
                    levels[entry.Digest] = 0;
                    if (!Tolerated(entry, TooDeep(entry), tolerate))
                    {
                        throw TooDeep(entry);
                    }

                    continue;
                }

                onPath.Add(nested.Digest);
                stack.Push(new Frame(entry, nested));
                continue;
            }

            levels[entry.Digest] = 0;
            below.Add(new ManifestNode(entry, child));
        }

        return below;
    }

    private static IndexTooDeepException TooDeep(Descriptor entry) => new($"the index entry {entry.Digest}", MaxIndexDepth);

    private static bool Tolerated(Descriptor entry, OciException error, Func<Descriptor, OciException, bool>? tolerate) =>
        tolerate is not null && tolerate(entry, error);

    private sealed class Frame(Descriptor? entry, ImageIndex index)
    {
        public Descriptor? Entry { get; } = entry;

        public ImageIndex Index { get; } = index;

        public int Next { get; set; }

        public int DeepestChild { get; private set; }

        public void Saw(int levels) => DeepestChild = Math.Max(DeepestChild, levels);
    }
}
