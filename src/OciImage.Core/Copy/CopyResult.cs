using System;
using System.Collections.Generic;

namespace OciImage.Core.Copy;

/// <summary>What a copy did.</summary>
public sealed class CopyResult
{
    public Reference Source { get; init; } = null!;

    public Reference Destination { get; init; } = null!;

    /// <summary>The digest at the destination (differs from the source's only when platforms were filtered).</summary>
    public Digest Digest { get; init; }

    public Digest SourceDigest { get; init; }

    public IReadOnlyList<string> Platforms { get; init; } = Array.Empty<string>();

    public int BlobsCopied { get; init; }

    public int BlobsSkipped { get; init; }

    public int BlobsMounted { get; init; }

    public long BytesCopied { get; init; }

    public int ManifestsCopied { get; init; }

    public int ReferrersCopied { get; init; }

    public TimeSpan Duration { get; init; }
}
