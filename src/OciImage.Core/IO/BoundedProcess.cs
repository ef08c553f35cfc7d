using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.IO;

/// <summary>
/// Runs an external program from an absolute path with bounds that hold whatever it does: stdout and stderr are
/// read at once and side by side (a full stderr pipe cannot block the program while stdout is awaited), each up to
/// a limit (past it the program is killed and its answer refused), and one deadline covers the exit and both
/// streams; on expiry the process tree is killed and the streams are abandoned (a grandchild holding them open
/// cannot hold the caller). Never an unbounded WaitForExit().
/// </summary>
internal static class BoundedProcess
{
    private static readonly MethodInfo? KillTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

    /// <summary>How a run ended.</summary>
    public enum Outcome
    {
        Exited,
        TimedOut,
        OutputTooLarge,
        ErrorOutputTooLarge,
    }

    /// <summary>The outcome, the exit code (when it exited) and what it wrote, each within its limit.</summary>
    public sealed record Result(Outcome Outcome, int ExitCode, byte[] Output, byte[] ErrorOutput);

    public static Result Run(string program, string arguments, string input, TimeSpan timeout, int outputLimit, int errorLimit)
    {
        if (!Path.IsPathRooted(program))
        {
            throw new ArgumentException("Only a program found by absolute path is run.", nameof(program));
        }

        var info = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        using var process = StartRetryingBusyText(info) ?? throw new IOException($"{program} did not start.");
        var clock = Stopwatch.StartNew();
        // One signal per stream, so the outcome names the stream that overflowed even before its reader has returned.
        // Not disposed: abandoned readers may still signal them.
        var outputOverflow = new CancellationTokenSource();
        var errorOverflow = new CancellationTokenSource();
        var output = ReadBoundedAsync(process.StandardOutput.BaseStream, outputLimit, outputOverflow);
        var errors = ReadBoundedAsync(process.StandardError.BaseStream, errorLimit, errorOverflow);
        try
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It exited, or does not read its input: its answer says which.
        }

        var streams = Task.WhenAll(output, errors);
        var outcome = Outcome.Exited;
        var left = timeout - clock.Elapsed;
        var overflowed = new[] { streams, Task.Delay(Timeout.Infinite, outputOverflow.Token), Task.Delay(Timeout.Infinite, errorOverflow.Token) };
        if (Task.WaitAny(overflowed, left > TimeSpan.Zero ? left : TimeSpan.Zero) != 0)
        {
            outcome = outputOverflow.IsCancellationRequested ? Outcome.OutputTooLarge
                : errorOverflow.IsCancellationRequested ? Outcome.ErrorOutputTooLarge
                : Outcome.TimedOut;
        }
        else if (!process.WaitForExit(Remaining(timeout, clock)))
        {
            outcome = Outcome.TimedOut;
        }

        if (outcome != Outcome.Exited)
        {
            Kill(process);
            return new Result(outcome, -1, Array.Empty<byte>(), Array.Empty<byte>());
        }

        return new Result(Outcome.Exited, process.ExitCode, output.Result, errors.Result);
    }

    private static int Remaining(TimeSpan timeout, Stopwatch clock) => (int)Math.Max(0, Math.Min(int.MaxValue, (timeout - clock.Elapsed).TotalMilliseconds));

    /// <summary>Reads a stream to its end, keeping at most the limit; past it, signals the overflow and stops.</summary>
    private static async Task<byte[]> ReadBoundedAsync(Stream stream, int limit, CancellationTokenSource overflow)
    {
        var kept = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, 0, buffer.Length).ConfigureAwait(false)) > 0)
            {
                if (kept.Length + n > limit)
                {
                    overflow.Cancel();
                    return Array.Empty<byte>();
                }

                kept.Write(buffer, 0, n);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The process was killed and its pipes closed under the read.
        }

        return kept.ToArray();
    }

    /// <summary>Kills the process and its children where the runtime can (.NET Core 3+), else the process alone.</summary>
    private static void Kill(Process process)
    {
        try
        {
            if (KillTree is not null)
            {
                KillTree.Invoke(process, new object[] { true });
            }
            else
            {
                process.Kill();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or TargetInvocationException or System.ComponentModel.Win32Exception)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>
    /// Starts the program, trying again a few times on ETXTBSY ("Text file busy"): a program file written a moment
    /// ago can still be open for writing in a child that another thread forked and has not yet exec'd, as Go's
    /// os/exec also works around.
    /// </summary>
    private static Process? StartRetryingBusyText(ProcessStartInfo info)
    {
        const int TextFileBusy = 26;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return Process.Start(info);
            }
            catch (System.ComponentModel.Win32Exception ex) when (ex.NativeErrorCode == TextFileBusy && attempt < 5)
            {
                System.Threading.Thread.Sleep(20 << attempt);
            }
        }
    }
}
