using System;

namespace OciImage.Core.Mirror;

/// <summary>What applying one plan item did.</summary>
public sealed class SyncItemResult
{
    public SyncPlanItem Item { get; init; } = null!;

    public SyncStatus Status { get; init; }

    /// <summary>The digest the destination's tag names afterwards (null after a prune or a failure).</summary>
    public Digest? Digest { get; init; }

    /// <summary>The source's tag names another digest than the plan pinned (the pinned one was copied).</summary>
    public Digest? SourceMovedTo { get; init; }

    public int BlobsCopied { get; init; }

    public int BlobsReused { get; init; }

    public int BlobsMounted { get; init; }

    public long BytesCopied { get; init; }

    public int ReferrersCopied { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>Why the item was skipped or not started.</summary>
    public string? Reason { get; init; }

    /// <summary>The failure, for a Failed item (the cmdlet writes it as an ErrorRecord naming the image).</summary>
    public Exception? Error { get; init; }
}
