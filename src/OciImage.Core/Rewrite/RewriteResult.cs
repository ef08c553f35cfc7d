using System;
using System.Collections.Generic;

namespace OciImage.Core.Rewrite;

/// <summary>What a rewrite wrote: the new top manifest, each image changed, and what was left as it was.</summary>
public sealed class RewriteResult
{
    public Reference Source { get; init; } = null!;

    public Reference Destination { get; init; } = null!;

    public Digest SourceDigest { get; init; }

    public Digest Digest { get; init; }

    public IReadOnlyList<ImageRewrite> Images { get; init; } = Array.Empty<ImageRewrite>();

    /// <summary>Index children left as they were (signatures, attestations, unknown/unknown entries), by digest.</summary>
    public IReadOnlyList<string> LeftAsTheyWere { get; init; } = Array.Empty<string>();
}

/// <summary>One image's changes, each said in words ("layer 2: removed /etc/secret").</summary>
public sealed class ImageRewrite
{
    public string Platform { get; init; } = string.Empty;

    public Digest SourceDigest { get; init; }

    public Digest Digest { get; init; }

    public int LayersRemoved { get; init; }

    public int LayersRewritten { get; init; }

    /// <summary>Layers whose tar bytes (and so DiffIDs) stayed while their compression changed.</summary>
    public int DiffIdsKept { get; init; }

    public IReadOnlyList<string> PathsRemoved { get; init; } = Array.Empty<string>();

    public int EntriesRetimed { get; init; }

    public IReadOnlyList<string> Changes { get; init; } = Array.Empty<string>();
}
