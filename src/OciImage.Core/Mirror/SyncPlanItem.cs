using System;
using System.Collections.Generic;

namespace OciImage.Core.Mirror;

/// <summary>
/// One image of a mirror's plan: the action, both ends pinned by digest (what was reviewed is what is applied),
/// and what applying it should cost. Plain values only, so a plan saved as Clixml or JSON comes back whole.
/// </summary>
public sealed class SyncPlanItem
{
    /// <summary>The plan format this item follows; a reader refuses another.</summary>
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public SyncAction Action { get; init; }

    /// <summary>The source image by its tag (REPOSITORY:TAG), or by digest when the source named one; null for a prune.</summary>
    public Reference? Source { get; init; }

    /// <summary>What the source's tag named when planned: what a copy copies, even if the tag moves since.</summary>
    public Digest? SourceDigest { get; init; }

    /// <summary>The destination image (REPOSITORY:TAG).</summary>
    public Reference Destination { get; init; } = null!;

    /// <summary>What the destination's tag named when planned (null: it was absent); a change since skips the item.</summary>
    public Digest? DestinationDigest { get; init; }

    public IReadOnlyList<string> Platforms { get; init; } = Array.Empty<string>();

    public bool Single { get; init; }

    public bool IncludeReferrers { get; init; }

    public bool RequireSameDigest { get; init; }

    /// <summary>The compression layers are re-encoded in (gzip, zstd, none); null copies them as they are.</summary>
    public string? Compression { get; init; }

    /// <summary>With <see cref="Compression"/>: Fastest, Optimal, SmallestSize or 1 to 9.</summary>
    public string? CompressionLevel { get; init; }

    /// <summary>Blobs the image needs (configs and layers, every platform copied).</summary>
    public int Blobs { get; init; }

    /// <summary>Blobs whose bytes will cross: absent at the destination and not moved by an earlier item of the plan.</summary>
    public int BlobsToCopy { get; init; }

    /// <summary>Blobs already at the destination, or moved there by an earlier item of the plan.</summary>
    public int BlobsReused { get; init; }

    /// <summary>Blobs a registry will mount from the source repository (same registry) instead of copying.</summary>
    public int BlobsToMount { get; init; }

    /// <summary>The bytes that will really move, after de-duplication against the destination and within the plan.</summary>
    public long Bytes { get; init; }

    /// <summary>An estimate of the requests applying the item sends (the results report the actual count).</summary>
    public int Requests { get; init; }

    /// <summary>Why the item is what it is, when that is not plain (a recorded source digest, a prune's reason).</summary>
    public string? Reason { get; init; }
}
