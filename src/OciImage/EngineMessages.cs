using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace OciImage;

internal enum EngineMessageKind
{
    Verbose,
    Warning,
    Output,
    Progress,
    Error,
}

/// <summary>A queue that engine work on the thread pool posts to, and the pipeline thread drains.</summary>
internal sealed class EngineMessages : OciImage.Core.IEngineLog, IDisposable
{
    private readonly BlockingCollection<(EngineMessageKind Kind, object Payload)> _queue = new();

    public void Verbose(string text) => Post(EngineMessageKind.Verbose, text);

    public void Warning(string text) => Post(EngineMessageKind.Warning, text);

    /// <summary>Shows progress (Write-Progress); never on the output stream.</summary>
    public void Progress(System.Management.Automation.ProgressRecord record) => Post(EngineMessageKind.Progress, record);

    /// <summary>Sends an object down the pipeline as soon as it is ready (tags page by page, for example).</summary>
    public void Emit(object item) => Post(EngineMessageKind.Output, item);

    /// <summary>Reports one item's failure (Write-Error) while the work goes on with the others.</summary>
    public void Error(Exception failure, object? target) => Post(EngineMessageKind.Error, ErrorMapping.ToErrorRecord(failure, target));

    internal void Complete() => _queue.CompleteAdding();

    internal IEnumerable<(EngineMessageKind Kind, object Payload)> Drain() => _queue.GetConsumingEnumerable();

    public void Dispose() => _queue.Dispose();

    private void Post(EngineMessageKind kind, object payload)
    {
        try
        {
            _queue.Add((kind, payload));
        }
        catch (InvalidOperationException)
        {
            // Posted after the operation ended: nobody is left to show it.
        }
    }
}
