using OciImage.Core.Model;

namespace OciImage.Core.Verbs;

/// <summary>One layer of an image as Get-OciLayer tells it: its descriptor joined with the config's DiffID and history line.</summary>
public sealed class ImageLayer
{
    /// <summary>The image, pinned to its manifest's digest.</summary>
    public Reference Image { get; init; } = null!;

    /// <summary>Position in the manifest, from 0 (the base).</summary>
    public int Index { get; init; }

    public Descriptor Layer { get; init; } = null!;

    /// <summary>The config's DiffID at this position; null when the config lists fewer.</summary>
    public Digest? DiffId { get; init; }

    /// <summary>The history line that made the layer, when the config has one.</summary>
    public HistoryEntry? History { get; init; }

    /// <summary>The blob's file, for a store whose blobs are files on this machine (a layout).</summary>
    public string? BlobPath { get; init; }
}
