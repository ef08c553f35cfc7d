using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace OciImage.Core.IO;

/// <summary>
/// A shared library of the operating system, loaded on Linux with dlopen by an ABSOLUTE path in one of the
/// system's library directories (for the process's architecture), never by a bare name: a bare name lets the
/// runtime's probing find a file of that name in the application's directory, and LD_LIBRARY_PATH (which may
/// name the current directory) point anywhere. The library stays loaded for the life of the process, so the
/// function addresses it hands out stay valid.
/// </summary>
internal sealed class SystemLibrary
{
    private const int RtldNow = 2;

    private readonly IntPtr _handle;

    private SystemLibrary(string path, IntPtr handle)
    {
        Path = path;
        _handle = handle;
    }

    /// <summary>The absolute path it was loaded from.</summary>
    public string Path { get; }

    /// <summary>
    /// The system's library directories for this process's architecture, most specific first: Debian's multiarch
    /// folders, then the 64-bit folders of Fedora and SUSE, then the plain ones (Arch, Alpine).
    /// </summary>
    public static IReadOnlyList<string> Directories()
    {
        var list = new List<string>();
        var triplet = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x86_64-linux-gnu",
            Architecture.Arm64 => "aarch64-linux-gnu",
            Architecture.Arm => "arm-linux-gnueabihf",
            Architecture.X86 => "i386-linux-gnu",
            _ => null,
        };
        if (triplet is not null)
        {
            list.Add("/lib/" + triplet);
            list.Add("/usr/lib/" + triplet);
        }

        if (IntPtr.Size == 8)
        {
            list.Add("/lib64");
            list.Add("/usr/lib64");
        }

        list.Add("/lib");
        list.Add("/usr/lib");
        return list;
    }

    /// <summary>
    /// Loads <paramref name="fileName"/> (a plain file name such as libzstd.so.1) from the first system library
    /// directory that has it, or returns null with the reason: not Linux, not found, or dlopen refused it.
    /// </summary>
    public static SystemLibrary? Load(string fileName, out string reason) => Load(fileName, Directories(), out reason);

    internal static SystemLibrary? Load(string fileName, IEnumerable<string> directories, out string reason)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            reason = "not Linux";
            return null;
        }

        if (fileName.IndexOf('/') >= 0)
        {
            throw new ArgumentException("a file name, not a path", nameof(fileName));
        }

        string? refused = null;
        foreach (var directory in directories)
        {
            // Only absolute directories: a relative one would be resolved against the current directory.
            if (!directory.StartsWith("/", StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = directory.TrimEnd('/') + "/" + fileName;
            if (!File.Exists(candidate))
            {
                continue;
            }

            try
            {
                var handle = Dl.Open(candidate);
                if (handle == IntPtr.Zero)
                {
                    // Another system directory may hold a good copy (a broken link, another architecture's file).
                    refused = $"{candidate} could not be loaded ({Dl.Error()})";
                    continue;
                }

                reason = string.Empty;
                return new SystemLibrary(candidate, handle);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                reason = "dlopen is not available (" + ex.Message + ")";
                return null;
            }
        }

        reason = refused ?? $"no {fileName} in {string.Join(", ", directories)}";
        return null;
    }

    /// <summary>The address of an exported function, or zero when the library does not export it.</summary>
    public IntPtr Symbol(string name) => Dl.Symbol(_handle, name);

    /// <summary>dlopen and dlsym: in libc from glibc 2.34, in libdl before (still there as a stub), in libc on musl.</summary>
    private static class Dl
    {
        private static int _where;

        public static IntPtr Open(string path) => Call(() => LibDl.dlopen(path, RtldNow), () => LibC.dlopen(path, RtldNow));

        public static IntPtr Symbol(IntPtr handle, string name) => Call(() => LibDl.dlsym(handle, name), () => LibC.dlsym(handle, name));

        public static string Error()
        {
            var message = Call(LibDl.dlerror, LibC.dlerror);
            return message == IntPtr.Zero ? "unknown error" : Marshal.PtrToStringAnsi(message) ?? "unknown error";
        }

        private static IntPtr Call(Func<IntPtr> libdl, Func<IntPtr> libc)
        {
            if (_where == 0)
            {
                try
                {
                    var result = libdl();
                    _where = 1;
                    return result;
                }
                catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
                {
                    _where = 2;
                }
            }

            return _where == 1 ? libdl() : libc();
        }
    }

#pragma warning disable SA1300, IDE1006 // the C names
    private static class LibDl
    {
        [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern IntPtr dlopen(string path, int flags);

        [DllImport("libdl.so.2", CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern IntPtr dlsym(IntPtr handle, string name);

        [DllImport("libdl.so.2")]
        public static extern IntPtr dlerror();
    }

    private static class LibC
    {
        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern IntPtr dlopen(string path, int flags);

        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
        public static extern IntPtr dlsym(IntPtr handle, string name);

        [DllImport("libc")]
        public static extern IntPtr dlerror();
    }
#pragma warning restore SA1300, IDE1006
}
