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
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly FileStream _handle;

    private LayoutLock(FileStream handle) => _handle = handle;

    public static async Task<LayoutLock> AcquireAsync(string layoutRoot, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layoutRoot, OciLayoutStore.LockFileName);
        var deadline = DateTime.UtcNow + Patience;
        var delay = 2;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new LayoutLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
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
