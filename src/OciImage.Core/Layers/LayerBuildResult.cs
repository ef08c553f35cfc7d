namespace OciImage.Core.Layers;

/// <summary>A built layer: its blob's digest, size and file, and the DiffID of its tar.</summary>
public sealed class LayerBuildResult
{
    public LayerBuildResult(Digest digest, Digest diffId, long size, string mediaType, string? blobPath, int fileCount, long tarSize)
    {
        Digest = digest;
        DiffId = diffId;
        Size = size;
        MediaType = mediaType;
        BlobPath = blobPath;
        FileCount = fileCount;
        TarSize = tarSize;
    }

    public Digest Digest { get; }

    public Digest DiffId { get; }

    public long Size { get; }

    public string MediaType { get; }

    /// <summary>The blob's file, where the store keeps its blobs as files (a layout, an output directory); else null.</summary>
    public string? BlobPath { get; }

    public int FileCount { get; }

    public long TarSize { get; }
}
