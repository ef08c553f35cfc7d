namespace OciImage.Core.Copy;

/// <summary>A snapshot of a copy's progress: the whole (bytes of blobs to move) and the blob that moved.</summary>
public sealed class CopyProgress
{
    public CopyProgress(Digest blob, long blobBytesDone, long blobSize, long totalBytesDone, long totalBytes, bool blobFinished)
    {
        Blob = blob;
        BlobBytesDone = blobBytesDone;
        BlobSize = blobSize;
        TotalBytesDone = totalBytesDone;
        TotalBytes = totalBytes;
        BlobFinished = blobFinished;
    }

    public Digest Blob { get; }

    public long BlobBytesDone { get; }

    public long BlobSize { get; }

    public long TotalBytesDone { get; }

    public long TotalBytes { get; }

    public bool BlobFinished { get; }
}
