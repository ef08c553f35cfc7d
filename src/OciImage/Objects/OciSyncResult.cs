using System;
using OciImage.Core.Mirror;

namespace OciImage;

/// <summary>What Sync-OciRepository did for one image.</summary>
public sealed class OciSyncResult
{
    public OciSyncResult(SyncItemResult result)
    {
        var item = result.Item;
        Action = item.Action.ToString();
        Status = result.Status.ToString();
        Source = item.Source?.ToString();
        SourceDigest = item.SourceDigest?.ToString();
        Destination = item.Destination.ToString();
        Reference = Destination;
        Digest = result.Digest?.ToString();
        SourceMovedTo = result.SourceMovedTo?.ToString();
        BlobsCopied = result.BlobsCopied;
        BlobsReused = result.BlobsReused;
        BlobsMounted = result.BlobsMounted;
        BytesCopied = result.BytesCopied;
        ReferrersCopied = result.ReferrersCopied;
        Seconds = Math.Round(result.Duration.TotalSeconds, 3);
        Reason = result.Reason;
    }

    /// <summary>What the plan said: Copy, Update, UpToDate or Prune.</summary>
    public string Action { get; }

    /// <summary>What happened: Copied, Updated, UpToDate, Pruned, Skipped, NotStarted or Failed.</summary>
    public string Status { get; }

    public string? Source { get; }

    public string? SourceDigest { get; }

    public string Destination { get; }

    /// <summary>The destination, for piping into other cmdlets.</summary>
    public string Reference { get; }

    /// <summary>What the destination's tag names now.</summary>
    public string? Digest { get; }

    /// <summary>Set when the source's tag moved since the plan (the planned digest was copied).</summary>
    public string? SourceMovedTo { get; }

    public int BlobsCopied { get; }

    public int BlobsReused { get; }

    public int BlobsMounted { get; }

    public long BytesCopied { get; }

    public int ReferrersCopied { get; }

    public double Seconds { get; }

    /// <summary>Why an item was skipped, not started or failed.</summary>
    public string? Reason { get; }

    public override string ToString() => $"{Status} {Destination}";
}
