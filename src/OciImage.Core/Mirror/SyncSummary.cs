using System;

namespace OciImage.Core.Mirror;

/// <summary>The totals of a mirror run: one object after the per-image results.</summary>
public sealed class SyncSummary
{
    public int Images { get; init; }

    public int Copied { get; init; }

    public int Updated { get; init; }

    public int UpToDate { get; init; }

    public int Pruned { get; init; }

    public int Skipped { get; init; }

    public int NotStarted { get; init; }

    public int Failed { get; init; }

    public long BytesCopied { get; init; }

    public int BlobsCopied { get; init; }

    public int BlobsReused { get; init; }

    public int BlobsMounted { get; init; }

    /// <summary>Every request the run sent (planning included), where the registries counted them; null when unknown.</summary>
    public long? Requests { get; init; }

    public long? Retries { get; init; }

    public long? TooManyRequests { get; init; }

    /// <summary>The lowest rate-limit quota left that a registry reported (Docker Hub's ratelimit-remaining); null when none did.</summary>
    public long? RateLimitRemaining { get; init; }

    public TimeSpan Duration { get; init; }
}
