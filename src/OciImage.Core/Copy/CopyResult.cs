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

    /// <summary>The destination already held the image under the name asked for: nothing was written.</summary>
    public bool UpToDate { get; init; }

    /// <summary>The same result naming another source (an import reports the archive, not its work folder).</summary>
    public CopyResult WithSource(Reference source) => new()
    {
        Source = source,
        Destination = Destination,
        Digest = Digest,
        SourceDigest = SourceDigest,
        Platforms = Platforms,
        BlobsCopied = BlobsCopied,
        BlobsSkipped = BlobsSkipped,
        BlobsMounted = BlobsMounted,
        BytesCopied = BytesCopied,
        ManifestsCopied = ManifestsCopied,
        ReferrersCopied = ReferrersCopied,
        Duration = Duration,
        UpToDate = UpToDate,
    };
}
