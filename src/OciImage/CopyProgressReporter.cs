using System;
using System.Management.Automation;
using OciImage.Core.Copy;

namespace OciImage;

/// <summary>Turns copy progress into Write-Progress records: one overall activity, one child per active blob.</summary>
internal sealed class CopyProgressReporter : IProgress<CopyProgress>
{
    private const int OverallId = 1;
    private readonly EngineMessages _messages;
    private readonly string _what;
    private readonly TransferRate _rate = new(DateTime.UtcNow);
    private DateTime _last = DateTime.MinValue;

    public CopyProgressReporter(EngineMessages messages, string what)
    {
        _messages = messages;
        _what = what;
    }

    public void Report(CopyProgress value)
    {
        // A few updates a second are plenty; finished blobs are always shown.
        var now = DateTime.UtcNow;
        lock (this)
        {
            if (!value.BlobFinished && now - _last < TimeSpan.FromMilliseconds(200))
            {
                return;
            }

            _last = now;
        }

        var total = Math.Max(1, value.TotalBytes);
        double rate;
        int secondsLeft;
        lock (_rate)
        {
            rate = _rate.Update(now, value.TotalBytesDone);
            secondsLeft = _rate.SecondsLeft(value.TotalBytes - value.TotalBytesDone);
        }

        var speed = rate > 0 ? $", {SizeFormat.Human((long)rate)}/s" : string.Empty;
        _messages.Progress(new ProgressRecord(OverallId, _what, $"{SizeFormat.Human(value.TotalBytesDone)} of {SizeFormat.Human(value.TotalBytes)}{speed}")
        {
            PercentComplete = (int)Math.Min(100, value.TotalBytesDone * 100 / total),
            SecondsRemaining = secondsLeft,
        });
        var childId = 2 + (Math.Abs(value.Blob.GetHashCode()) % 1000);
        _messages.Progress(new ProgressRecord(childId, "Blob " + value.Blob.Short, $"{SizeFormat.Human(value.BlobBytesDone)} of {SizeFormat.Human(value.BlobSize)}")
        {
            ParentActivityId = OverallId,
            PercentComplete = value.BlobSize == 0 ? 100 : (int)Math.Min(100, value.BlobBytesDone * 100 / value.BlobSize),
            RecordType = value.BlobFinished ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
    }
}
