using System;
using System.Linq;
using OciImage.Core.Mirror;

namespace OciImage;

/// <summary>
/// One image of a Sync-OciRepository plan, as plain values: save it (Export-Clixml, ConvertTo-Json), review it,
/// and pipe it back into Sync-OciRepository to apply exactly what it pins.
/// </summary>
public sealed class OciSyncPlanItem
{
    public OciSyncPlanItem(SyncPlanItem item)
    {
        FormatVersion = item.FormatVersion;
        Action = item.Action.ToString();
        Source = item.Source?.ToString();
        SourceDigest = item.SourceDigest?.ToString();
        Destination = item.Destination.ToString();
        DestinationDigest = item.DestinationDigest?.ToString();
        Platforms = item.Platforms.ToArray();
        Single = item.Single;
        IncludeReferrers = item.IncludeReferrers;
        RequireSameDigest = item.RequireSameDigest;
        Compression = item.Compression;
        CompressionLevel = item.CompressionLevel;
        Blobs = item.Blobs;
        BlobsToCopy = item.BlobsToCopy;
        BlobsReused = item.BlobsReused;
        BlobsToMount = item.BlobsToMount;
        Bytes = item.Bytes;
        Requests = item.Requests;
        Reason = item.Reason;
    }

    /// <summary>The plan format (1); Sync-OciRepository refuses an item of another.</summary>
    public int FormatVersion { get; }

    /// <summary>Copy, Update (the source's tag moved), UpToDate or Prune.</summary>
    public string Action { get; }

    public string? Source { get; }

    /// <summary>What the source's tag named when planned: what applying copies.</summary>
    public string? SourceDigest { get; }

    public string Destination { get; }

    /// <summary>What the destination's tag named when planned (empty: absent); if it changed, applying skips the item.</summary>
    public string? DestinationDigest { get; }

    public string[] Platforms { get; }

    public bool Single { get; }

    public bool IncludeReferrers { get; }

    public bool RequireSameDigest { get; }

    /// <summary>The compression layers are re-encoded in (gzip, zstd, none); empty copies them as they are.</summary>
    public string? Compression { get; }

    public string? CompressionLevel { get; }

    public int Blobs { get; }

    public int BlobsToCopy { get; }

    public int BlobsReused { get; }

    public int BlobsToMount { get; }

    /// <summary>The bytes that will cross, after de-duplication against the destination and within the plan.</summary>
    public long Bytes { get; }

    /// <summary>An estimate of the requests applying the item sends.</summary>
    public int Requests { get; }

    public string? Reason { get; }

    public override string ToString() => $"{Action} {Destination}";
}
