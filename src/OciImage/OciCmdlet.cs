using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>
/// Base of every cmdlet: owns the cancellation that StopProcessing triggers, runs engine calls off the
/// pipeline thread while relaying their verbose and warning messages onto it, and turns engine errors into
/// ErrorRecords through <see cref="ErrorMapping"/>. Only the pipeline thread writes to PowerShell streams.
/// </summary>
public abstract class OciCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    protected CancellationToken CancellationToken => _cancellation.Token;

    protected override void StopProcessing() => _cancellation.Cancel();

    public void Dispose() => _cancellation.Dispose();

    /// <summary>
    /// Runs an engine call to completion. Messages it posts through the <see cref="EngineMessages"/> it is given
    /// are written here, on the pipeline thread, while it runs.
    /// </summary>
    private protected void RunCore(Func<EngineMessages, CancellationToken, Task> operation) =>
        RunCore<bool>(async (messages, ct) =>
        {
            await operation(messages, ct).ConfigureAwait(false);
            return true;
        });

    private protected T RunCore<T>(Func<EngineMessages, CancellationToken, Task<T>> operation)
    {
        using var messages = new EngineMessages();
        using var call = CancellationTokenSource.CreateLinkedTokenSource(_cancellation.Token);
        var task = Task.Run(() => operation(messages, call.Token));
        _ = task.ContinueWith(_ => messages.Complete(), TaskScheduler.Default);
        try
        {
            foreach (var message in messages.Drain())
            {
                switch (message.Kind)
                {
                    case EngineMessageKind.Verbose:
                        WriteVerbose((string)message.Payload);
                        break;
                    case EngineMessageKind.Warning:
                        WriteWarning((string)message.Payload);
                        break;
                    case EngineMessageKind.Output:
                        WriteObject(message.Payload);
                        break;
                    case EngineMessageKind.Progress:
                        WriteProgress((ProgressRecord)message.Payload);
                        break;
                }
            }
        }
        catch
        {
            // The pipeline stopped (Select-Object -First, Ctrl+C) or a write failed: stop the engine too.
            call.Cancel();
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
            }

            throw;
        }

        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Runs the work for one input; an engine error becomes a non-terminating error and the pipeline goes on.</summary>
    protected void ForEachInput(object? target, Action work)
    {
        try
        {
            work();
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception ex) when (ErrorMapping.IsExpected(ex))
        {
            WriteError(ErrorMapping.ToErrorRecord(ex, target));
        }
    }

    /// <summary>Parses a reference and makes a relative layout or archive path absolute against the current location.</summary>
    protected Reference ResolveReference(string text)
    {
        var reference = Reference.Parse(text);
        if (reference.IsLocal)
        {
            var full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(reference.LayoutPath!);
            reference = reference.WithLayoutPath(full);
        }

        return reference;
    }

    /// <summary>Parses an optional platform parameter; bad text raises InvalidPlatform.</summary>
    protected static Platform? ParsePlatform(string? text) => string.IsNullOrEmpty(text) ? null : Platform.Parse(text!);
}
