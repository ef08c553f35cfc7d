using System;
using System.Management.Automation;
using OciImage.Core.Layers;

namespace OciImage;

/// <summary>Turns layer-build progress into Write-Progress: files and bytes of the tree written so far, a few times a second.</summary>
internal sealed class LayerProgressReporter : IProgress<LayerBuildProgress>
{
    private readonly EngineMessages _messages;
    private readonly string _what;
    private DateTime _last = DateTime.MinValue;

    public LayerProgressReporter(EngineMessages messages, string what)
    {
        _messages = messages;
        _what = what;
    }

    public void Report(LayerBuildProgress value)
    {
        var now = DateTime.UtcNow;
        var done = value.Files == value.TotalFiles;
        if (!done && now - _last < TimeSpan.FromMilliseconds(200))
        {
            return;
        }

        _last = now;
        var total = Math.Max(1, value.TotalBytes);
        _messages.Progress(new ProgressRecord(1, _what, $"{value.Files} of {value.TotalFiles} files, {SizeFormat.Human(value.Bytes)} of {SizeFormat.Human(value.TotalBytes)}")
        {
            PercentComplete = (int)Math.Min(100, value.Bytes * 100 / total),
            RecordType = done ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
    }
}
