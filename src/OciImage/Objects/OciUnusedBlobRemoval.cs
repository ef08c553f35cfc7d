using OciImage.Core;
using OciImage.Core.Layout;

namespace OciImage;

/// <summary>What Remove-OciUnusedBlob did to a layout.</summary>
public sealed class OciUnusedBlobRemoval
{
    public OciUnusedBlobRemoval(Reference layout, int unused, long unusedBytes, int removed, long bytesFreed, int declined, int reachable, int young)
    {
        Layout = layout.ToString();
        UnusedBlobs = unused;
        UnusedBytes = unusedBytes;
        BlobsRemoved = removed;
        BytesFreed = bytesFreed;
        UnusedBlobsKept = declined;
        ReachableBlobs = reachable;
        YoungBlobsKept = young;
    }

    /// <summary>The layout, as oci:PATH.</summary>
    public string Layout { get; }

    /// <summary>Blobs nothing reaches and old enough to go: what -WhatIf would remove.</summary>
    public int UnusedBlobs { get; }

    /// <summary>Their total size: what removing them all frees.</summary>
    public long UnusedBytes { get; }

    public int BlobsRemoved { get; }

    public long BytesFreed { get; }

    /// <summary>Unused blobs left in place: declined at -Confirm, or named again by a writer before removal.</summary>
    public int UnusedBlobsKept { get; }

    /// <summary>Blobs an index.json entry reaches.</summary>
    public int ReachableBlobs { get; }

    /// <summary>Unused blobs younger than -GracePeriod, kept.</summary>
    public int YoungBlobsKept { get; }

    public override string ToString() => $"{BlobsRemoved} of {UnusedBlobs} unused blobs removed, {SizeFormat.Human(BytesFreed)} of {SizeFormat.Human(UnusedBytes)} freed";
}
