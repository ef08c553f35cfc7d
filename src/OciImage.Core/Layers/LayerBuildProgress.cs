namespace OciImage.Core.Layers;

/// <summary>How far a layer build is: files and content bytes written into the tar, of those planned.</summary>
public readonly struct LayerBuildProgress
{
    public LayerBuildProgress(int files, int totalFiles, long bytes, long totalBytes)
    {
        Files = files;
        TotalFiles = totalFiles;
        Bytes = bytes;
        TotalBytes = totalBytes;
    }

    public int Files { get; }

    public int TotalFiles { get; }

    public long Bytes { get; }

    public long TotalBytes { get; }
}
