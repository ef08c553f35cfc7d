using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Stores;

/// <summary>
/// Serialises index.json updates across threads and processes. FileShare.None takes an exclusive flock on
/// Unix and a share-deny lock on Windows; the OS drops it when a process dies, so a lock is never stale.
/// The lock file stays in place: deleting it would let two writers lock two different files.
/// </summary>
internal sealed class LayoutLock : IDisposable
{
    /// <summary>How long a writer waits for another one's lock before LayoutLocked (documented: a minute).</summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Tests only: the clock and the wait between attempts, so a test sees the documented patience run out
    /// without waiting it. Null: the real clock and Task.Delay.
    /// </summary>
    internal static readonly AsyncLocal<(Func<DateTime> UtcNow, Func<int, CancellationToken, Task> Delay)?> Clock = new();

    private readonly FileStream _handle;

    private LayoutLock(FileStream handle) => _handle = handle;

    public static async Task<LayoutLock> AcquireAsync(string layoutRoot, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layoutRoot, OciLayoutStore.LockFileName);
        var clock = Clock.Value;
        Func<DateTime> utcNow = clock?.UtcNow ?? (() => DateTime.UtcNow);
        var wait = clock?.Delay ?? ((milliseconds, token) => Task.Delay(milliseconds, token));
        var deadline = utcNow() + Patience;
        var delay = 2;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new LayoutLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (utcNow() < deadline)
            {
                await wait(delay, cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException)
            {
                throw new LayoutLockedException(layoutRoot) { Target = layoutRoot };
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
