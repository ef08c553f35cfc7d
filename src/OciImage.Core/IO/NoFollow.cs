using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OciImage.Core.IO;

/// <summary>
/// Mode and time changes that never follow a symbolic link: fchmodat and utimensat with AT_SYMLINK_NOFOLLOW on
/// a path, fchmod and futimens on an open file. .NET's SetUnixFileMode and SetLastWriteTime follow links, and
/// this assembly targets netstandard2.0, so these call libc. Each answers <see cref="Unsupported"/> where the call
/// cannot be made (Windows, no libc found, a libc or kernel without the no-follow variant: glibc before 2.32
/// answers ENOTSUP to fchmodat's flag), and callers then fall back to a path call right after an lstat check.
/// </summary>
internal static class NoFollow
{
    /// <summary>The call is not available here.</summary>
    public const int Unsupported = -1;

    private static readonly bool IsMac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) || RuntimeInformation.IsOSPlatform(OSPlatform.Create("FREEBSD"));

    // Linux uses the same values on every architecture; macOS and the BSDs have their own.
    private static readonly int AtFdCwd = IsMac ? -2 : -100;
    private static readonly int AtSymlinkNoFollow = IsMac ? 0x20 : 0x100;
    private static readonly long UtimeOmit = IsMac ? -2 : (1L << 30) - 2;
    private static readonly int[] NotSupportedErrors = IsMac ? new[] { 45, 102 } : new[] { 95 };

    // 0: not tried yet, 1: "libc.so.6" (glibc), 2: "libc" (macOS, musl with libc.so, glibc with the dev package), 3: none.
    private static int _library;

    /// <summary>chmod of <paramref name="path"/> itself: 0 when done, an errno, or <see cref="Unsupported"/>.</summary>
    public static int SetMode(string path, int mode) =>
        Call(lib => lib == 1 ? Glibc.fchmodat(AtFdCwd, path, (uint)(mode & 0xFFF), AtSymlinkNoFollow) : Libc.fchmodat(AtFdCwd, path, (uint)(mode & 0xFFF), AtSymlinkNoFollow));

    /// <summary>Sets the modification time of <paramref name="path"/> itself (its access time is kept).</summary>
    public static int SetModified(string path, DateTime modifiedUtc)
    {
        var times = Times(modifiedUtc);
        return Call(lib => lib == 1 ? Glibc.utimensat(AtFdCwd, path, times, AtSymlinkNoFollow) : Libc.utimensat(AtFdCwd, path, times, AtSymlinkNoFollow));
    }

    /// <summary>fchmod of an open file: the very object opened, whatever its path has become.</summary>
    public static int SetMode(SafeFileHandle file, int mode) =>
        Call(lib => lib == 1 ? Glibc.fchmod(file, (uint)(mode & 0xFFF)) : Libc.fchmod(file, (uint)(mode & 0xFFF)));

    /// <summary>futimens of an open file (its access time is kept).</summary>
    public static int SetModified(SafeFileHandle file, DateTime modifiedUtc)
    {
        var times = Times(modifiedUtc);
        return Call(lib => lib == 1 ? Glibc.futimens(file, times) : Libc.futimens(file, times));
    }

    private static TimeSpec[] Times(DateTime modifiedUtc)
    {
        var ticks = modifiedUtc.ToUniversalTime().Ticks - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var seconds = ticks >= 0 ? ticks / TimeSpan.TicksPerSecond : -((-ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
        var nanoseconds = (ticks - (seconds * TimeSpan.TicksPerSecond)) * 100;
        return new[]
        {
            new TimeSpec { Seconds = IntPtr.Zero, Nanoseconds = new IntPtr(UtimeOmit) },
            new TimeSpec { Seconds = new IntPtr(seconds), Nanoseconds = new IntPtr(nanoseconds) },
        };
    }

    private static int Call(Func<int, int> call)
    {
        if (UnixFileSystem.IsWindows)
        {
            return Unsupported;
        }

        while (true)
        {
            var library = _library;
            if (library == 3)
            {
                return Unsupported;
            }

            try
            {
                var result = call(library == 0 ? 1 : library);
                if (library == 0)
                {
                    _library = 1;
                }

                if (result == 0)
                {
                    return 0;
                }

                var errno = Marshal.GetLastWin32Error();
                return Array.IndexOf(NotSupportedErrors, errno) >= 0 ? Unsupported : errno;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                // The next library name, or none: the callers' lstat-checked fallback then does the work.
                _library = library switch { 0 or 1 => 2, _ => 3 };
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public IntPtr Seconds;
        public IntPtr Nanoseconds;
    }

#pragma warning disable SA1300, IDE1006 // the C names
    private static class Glibc
    {
        [DllImport("libc.so.6", SetLastError = true)]
        public static extern int fchmodat(int dirfd, [MarshalAs(UnmanagedType.LPStr)] string path, uint mode, int flags);

        [DllImport("libc.so.6", SetLastError = true)]
        public static extern int utimensat(int dirfd, [MarshalAs(UnmanagedType.LPStr)] string path, TimeSpec[] times, int flags);

        [DllImport("libc.so.6", SetLastError = true)]
        public static extern int fchmod(SafeFileHandle fd, uint mode);

        [DllImport("libc.so.6", SetLastError = true)]
        public static extern int futimens(SafeFileHandle fd, TimeSpec[] times);
    }

    private static class Libc
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int fchmodat(int dirfd, [MarshalAs(UnmanagedType.LPStr)] string path, uint mode, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int utimensat(int dirfd, [MarshalAs(UnmanagedType.LPStr)] string path, TimeSpec[] times, int flags);

        [DllImport("libc", SetLastError = true)]
        public static extern int fchmod(SafeFileHandle fd, uint mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int futimens(SafeFileHandle fd, TimeSpec[] times);
    }
#pragma warning restore SA1300, IDE1006
}
