using System;
using System.Runtime.InteropServices;

namespace OciImage.Core.IO;

/// <summary>
/// File owners, which .NET has no API for: lchown(2), which changes a symbolic link itself and never what it
/// names, and geteuid(2) to know whether the process may give files away (root), as tar's --same-owner default does.
/// </summary>
internal static class UnixOwner
{
    /// <summary>True when the process runs as root on Unix (owners can be applied).</summary>
    public static bool IsRoot
    {
        get
        {
            if (UnixFileSystem.IsWindows)
            {
                return false;
            }

            try
            {
                return geteuid() == 0;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }
    }

    /// <summary>Sets the owner of <paramref name="path"/> without following a last symbolic link; null on success, else the reason.</summary>
    public static string? TryChange(string path, long uid, long gid)
    {
        if (uid < 0 || uid > uint.MaxValue - 1 || gid < 0 || gid > uint.MaxValue - 1)
        {
            return $"{uid}:{gid} is not a valid owner"; // (uid_t)-1 would mean "leave unchanged"
        }

        try
        {
            return lchown(path, (uint)uid, (uint)gid) == 0 ? null : $"lchown failed with errno {Marshal.GetLastWin32Error()}";
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return "lchown is not available here";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown(string path, uint owner, uint group);

    [DllImport("libc")]
    private static extern uint geteuid();
}
