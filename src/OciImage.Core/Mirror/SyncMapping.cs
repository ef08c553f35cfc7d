using System.Collections.Generic;
using OciImage.Core.Selection;

namespace OciImage.Core.Mirror;

/// <summary>
/// One source → destination pair of a mirror: a repository (or layout, or archive) and the tags its selection
/// takes, or one image (a tag or a digest); where they go; and how (the options of Copy-OciImage).
/// </summary>
public sealed class SyncMapping
{
    /// <summary>A repository, layout or archive; or one image of one (REPOSITORY:TAG, REPOSITORY@DIGEST).</summary>
    public Reference Source { get; init; } = null!;

    /// <summary>The destination repository, layout or archive (its tag, if any, is ignored: each image keeps its own).</summary>
    public Reference Destination { get; init; } = null!;

    /// <summary>Which tags of a repository source; null takes every tag.</summary>
    public TagSelection? Selection { get; init; }

    public IReadOnlyList<Platform>? Platforms { get; init; }

    public bool Single { get; init; }

    public bool IncludeReferrers { get; init; }

    public bool RequireSameDigest { get; init; }

    /// <summary>Re-encode layers in this compression (DiffIDs kept, digests change); null copies them as they are.</summary>
    public Layers.LayerCompression? Compression { get; init; }

    public Layers.LayerCompressionLevel CompressionLevel { get; init; }

    /// <summary>Remove destination tags that are not in the source selection.</summary>
    public bool Prune { get; init; }
}
