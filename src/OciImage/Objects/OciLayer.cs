using System;
using OciImage.Core;

namespace OciImage;

/// <summary>One layer of an image: its blob (digest, size, media type) and what the config says of it.</summary>
public sealed class OciLayer
{
    public Reference? Reference { get; init; }

    /// <summary>Position in the manifest, from 0 (the base).</summary>
    public int Index { get; init; }

    // Boxed, like every engine struct held by a public type of this assembly: see ModuleInitializer.
    private readonly object _digest = default(Digest);
    private readonly object? _diffId;

    public Digest Digest { get => (Digest)_digest; init => _digest = value; }

    /// <summary>Digest of the uncompressed tar, from the config's rootfs.diff_ids.</summary>
    public Digest? DiffId { get => (Digest?)_diffId; init => _diffId = value; }

    public long Size { get; init; }

    public string MediaType { get; init; } = string.Empty;

    /// <summary>gzip, zstd or none.</summary>
    public string Compression => Core.MediaTypes.LayerCompression(MediaType);

    public string? CreatedBy { get; init; }

    public DateTimeOffset? Created { get; init; }

    /// <summary>The blob's file when the image is in a layout, or where New-OciLayer wrote it.</summary>
    public string? BlobPath { get; init; }

    /// <summary>Regular files in the layer (from New-OciLayer).</summary>
    public int? FileCount { get; init; }

    /// <summary>Bytes of the uncompressed tar (from New-OciLayer).</summary>
    public long? TarSize { get; init; }

    public override string ToString() => Digest.ToString();
}
