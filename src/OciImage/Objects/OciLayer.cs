using System;

namespace OciImage;

/// <summary>
/// One layer of an image: its blob (digest, size, media type) and what the config says of it. Digests and the
/// reference are strings; [OciDigest] and [OciReference] make values of them.
/// </summary>
public sealed class OciLayer
{
    /// <summary>The image (Get-OciLayer) or layout (New-OciLayer -Layout) that holds the layer.</summary>
    public string? Reference { get; init; }

    /// <summary>Position in the manifest, from 0 (the base).</summary>
    public int Index { get; init; }

    public string Digest { get; init; } = string.Empty;

    /// <summary>Digest of the uncompressed tar, from the config's rootfs.diff_ids.</summary>
    public string? DiffId { get; init; }

    public long Size { get; init; }

    public string MediaType { get; init; } = string.Empty;

    /// <summary>gzip, zstd or none.</summary>
    public string Compression => Core.MediaTypes.LayerCompression(MediaType);

    public string? CreatedBy { get; init; }

    /// <summary>When the history says the layer was made, in UTC.</summary>
    public DateTime? Created { get; init; }

    /// <summary>The blob's file when the image is in a layout, or where New-OciLayer wrote it.</summary>
    public string? BlobPath { get; init; }

    /// <summary>Regular files in the layer (from New-OciLayer).</summary>
    public int? FileCount { get; init; }

    /// <summary>Bytes of the uncompressed tar (from New-OciLayer).</summary>
    public long? TarSize { get; init; }

    public override string ToString() => Digest;
}
