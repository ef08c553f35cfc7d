using System;
using System.Runtime.InteropServices;

namespace OciImage.Core.IO;

/// <summary>
/// Hard links, which .NET has no API for: link(2) on Unix, CreateHardLinkW on Windows. Used so a file named
/// many times (an archive's hard links) takes its space once.
/// </summary>
public static class HardLink
{
    /// <summary>Makes <paramref name="path"/> a new name of the file <paramref name="existing"/>; false when the platform or file system cannot.</summary>
    public static bool TryCreate(string existing, string path)
    {
        try
        {
            return UnixFileSystem.IsWindows ? CreateHardLinkW(path, existing, IntPtr.Zero) : link(existing, path) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool CreateHardLinkW(string newName, string existing, IntPtr securityAttributes);
}
