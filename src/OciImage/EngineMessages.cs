using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace OciImage;

internal enum EngineMessageKind
{
    Verbose,
    Warning,
}

/// <summary>A queue that engine work on the thread pool posts to, and the pipeline thread drains.</summary>
public sealed class EngineMessages : IDisposable
{
    private readonly BlockingCollection<(EngineMessageKind Kind, string Text)> _queue = new();

    public void Verbose(string text) => Post(EngineMessageKind.Verbose, text);

    public void Warning(string text) => Post(EngineMessageKind.Warning, text);

    internal void Complete() => _queue.CompleteAdding();

    internal IEnumerable<(EngineMessageKind Kind, string Text)> Drain() => _queue.GetConsumingEnumerable();

    public void Dispose() => _queue.Dispose();

    private void Post(EngineMessageKind kind, string text)
    {
        try
        {
            _queue.Add((kind, text));
        }
        catch (InvalidOperationException)
        {
            // Posted after the operation ended: nobody is left to show it.
        }
    }
}
