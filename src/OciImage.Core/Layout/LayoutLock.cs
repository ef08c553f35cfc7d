using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Layout;

/// <summary>
/// Serialises index.json updates across threads and processes. FileShare.None takes an exclusive flock on
/// Unix and a share-deny lock on Windows; the OS drops it when a process dies, so a lock is never stale.
/// The lock file stays in place: deleting it would let two writers lock two different files.
/// </summary>
internal sealed class LayoutLock : IDisposable
{
    /// <summary>How long a writer waits for another one's lock before LayoutLocked (documented: a minute).</summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly FileStream _handle;

    private LayoutLock(FileStream handle) => _handle = handle;

    /// <summary>Takes the lock, trying again with a short backoff for up to <see cref="Patience"/> on the layout's clock.</summary>
    public static async Task<LayoutLock> AcquireAsync(string layoutRoot, EngineClock clock, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layoutRoot, OciLayoutStore.LockFileName);
        var deadline = clock.UtcNow + Patience;
        var delay = 2;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new LayoutLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (clock.UtcNow < deadline)
            {
                await clock.Delay(TimeSpan.FromMilliseconds(delay), cancellationToken).ConfigureAwait(false);
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
