using System;
using OciImage.Core.Mirror;

namespace OciImage;

/// <summary>The totals of one Sync-OciRepository run, after its per-image results.</summary>
public sealed class OciSyncSummary
{
    public OciSyncSummary(SyncSummary summary, Core.Registry.RequestLedger? ledger = null)
    {
        Images = summary.Images;
        Copied = summary.Copied;
        Updated = summary.Updated;
        UpToDate = summary.UpToDate;
        Pruned = summary.Pruned;
        Skipped = summary.Skipped;
        NotStarted = summary.NotStarted;
        Failed = summary.Failed;
        BytesCopied = summary.BytesCopied;
        BlobsCopied = summary.BlobsCopied;
        BlobsReused = summary.BlobsReused;
        BlobsMounted = summary.BlobsMounted;
        Requests = ledger?.Requests ?? summary.Requests;
        Retries = ledger?.Retries ?? summary.Retries;
        TooManyRequests = ledger?.TooManyRequests ?? summary.TooManyRequests;
        RateLimitRemaining = ledger?.LowestRemaining ?? summary.RateLimitRemaining;
        Seconds = Math.Round(summary.Duration.TotalSeconds, 3);
    }

    public int Images { get; }

    public int Copied { get; }

    public int Updated { get; }

    public int UpToDate { get; }

    public int Pruned { get; }

    public int Skipped { get; }

    public int NotStarted { get; }

    public int Failed { get; }

    public long BytesCopied { get; }

    public int BlobsCopied { get; }

    public int BlobsReused { get; }

    public int BlobsMounted { get; }

    public long? Requests { get; }

    public long? Retries { get; }

    public long? TooManyRequests { get; }

    public long? RateLimitRemaining { get; }

    public double Seconds { get; }

    public override string ToString() => $"{Images} images: {Copied} copied, {Updated} updated, {UpToDate} up to date, {Pruned} pruned, {Failed} failed";
}
