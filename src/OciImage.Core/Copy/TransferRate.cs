using System;

namespace OciImage.Core.Copy;

/// <summary>
/// Bytes a second over the last few seconds, and the time left at that rate, for progress bars. A window (not
/// the average since the start) so a copy that skipped present blobs quickly does not promise a fast finish.
/// </summary>
public sealed class TransferRate
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private DateTime _windowStart;
    private long _windowStartBytes;
    private double _bytesPerSecond;

    public TransferRate(DateTime now) => _windowStart = now;

    /// <summary>Takes a reading of the bytes done so far; returns the rate (0 until one is known).</summary>
    public double Update(DateTime now, long bytesDone)
    {
        var elapsed = (now - _windowStart).TotalSeconds;
        if (elapsed >= 1)
        {
            _bytesPerSecond = Math.Max(0, bytesDone - _windowStartBytes) / elapsed;
        }

        if (now - _windowStart >= Window)
        {
            _windowStart = now;
            _windowStartBytes = bytesDone;
        }

        return _bytesPerSecond;
    }

    /// <summary>Seconds left at the current rate, or -1 (unknown) as Write-Progress takes it.</summary>
    public int SecondsLeft(long bytesLeft) =>
        _bytesPerSecond <= 0 || bytesLeft <= 0 ? -1 : (int)Math.Min(int.MaxValue, Math.Ceiling(bytesLeft / _bytesPerSecond));
}
