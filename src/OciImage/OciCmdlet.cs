using System;
using System.IO;
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
                    case EngineMessageKind.Error:
                        WriteError((ErrorRecord)message.Payload);
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
            reference = reference.WithLayoutPath(ResolvePath(reference.LayoutPath!));
        }

        return reference;
    }

    /// <summary>
    /// A file-system path made absolute against the current location. PowerShell's own refusals (a drive this
    /// system lacks, as C:\ on Linux; a path of another provider) become InvalidPath, a per-item error: they
    /// are SessionStateExceptions, which would otherwise stop the whole pipeline.
    /// </summary>
    protected string ResolvePath(string path)
    {
        // NUL (and on Windows '|', '<', ...) no file API takes: refused here, not as the runtime's ArgumentException later.
        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            throw new InvalidPathException(path, "it holds a character no path on this system may hold");
        }

        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception ex) when (ex is SessionStateException or ProviderInvocationException or NotSupportedException or PSArgumentException)
        {
            throw new InvalidPathException(path, ex.Message.TrimEnd('.'));
        }

        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidPathException(path, $"it is a path of the {provider.Name} provider, not of the file system");
        }

        return resolved;
    }

    /// <summary>
    /// What Get-Item gives for a path the cmdlet just wrote: the provider's object, with the PSPath and mode
    /// properties the default views render (a bare FileInfo renders blank Mode, size and owner columns).
    /// </summary>
    protected object GetWrittenItem(string path)
    {
        try
        {
            var items = InvokeProvider.Item.Get(new[] { path }, force: true, literalPath: true);
            if (items.Count == 1)
            {
                return items[0];
            }
        }
        catch (Exception ex) when (ex is SessionStateException or ProviderInvocationException)
        {
        }

        return Directory.Exists(path) ? new DirectoryInfo(path) : new FileInfo(path);
    }

    /// <summary>The host's credential prompt; null where there is none to ask (-NonInteractive, a runbook, a job) or the user cancelled.</summary>
    protected PSCredential? PromptForCredential(string target, string message)
    {
        try
        {
            return Host.UI.PromptForCredential(MyInvocation.MyCommand.Name, message, string.Empty, target);
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or NotSupportedException or NotImplementedException or System.Management.Automation.Host.HostException)
        {
            return null;
        }
    }

    /// <summary>Parses an optional platform parameter; bad text raises InvalidPlatform.</summary>
    protected static Platform? ParsePlatform(string? text) => string.IsNullOrEmpty(text) ? null : Platform.Parse(text!);
}
