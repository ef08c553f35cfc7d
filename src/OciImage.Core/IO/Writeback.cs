using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OciImage.Core.IO;

/// <summary>
/// Starts the disk writes of a file's bytes while more are still arriving (Linux sync_file_range with
/// SYNC_FILE_RANGE_WRITE: queue the writeback, do not wait), so the fsync that makes a blob durable before its
/// rename finds little left to write instead of a whole layer. Durability still comes from that fsync; this only
/// moves the disk's work earlier, alongside the download. Elsewhere, or if the call is missing, it does nothing.
/// </summary>
internal sealed class Writeback
{
    /// <summary>Bytes written between two writeback requests: large enough to be few calls, small enough to overlap.</summary>
    public const long Step = 8L << 20;

    private const uint SyncFileRangeWrite = 2;

    private static bool _unavailable = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    private readonly SafeFileHandle? _handle;
    private long _started;

    /// <summary>
    /// Over the file being written. Bytes still in the FileStream's own buffer (less than its size, only after a
    /// small write) are not in a requested range yet; the final fsync writes them with the rest.
    /// </summary>
    public Writeback(FileStream file)
    {
        // Taken once: reading FileStream.SafeFileHandle syncs the OS file position each time.
        _handle = _unavailable ? null : file.SafeFileHandle;
    }

    /// <summary>Called after each write with the bytes written so far; asks for writeback of each full step.</summary>
    public void Written(long total)
    {
        if (_handle is null || _unavailable || total - _started < Step)
        {
            return;
        }

        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);

            // A failure here is not an error: the fsync at the end writes whatever is left, and reports.
            sync_file_range((int)_handle.DangerousGetHandle(), _started, total - _started, SyncFileRangeWrite);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            _unavailable = true;
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }

        _started = total;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sync_file_range(int fd, long offset, long nbytes, uint flags);
}
