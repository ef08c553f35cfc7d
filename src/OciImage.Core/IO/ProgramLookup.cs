using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace OciImage.Core.IO;

/// <summary>
/// Finds an external program as Go's exec.LookPath does, and never as Process.Start does (which on Unix also
/// looks in the current directory, so a file in a cloned repository would run): only absolute PATH entries (empty
/// and relative ones, "." among them, are skipped), only names of [A-Za-z0-9._-], only executable regular files,
/// on Windows only NAME.exe. The caller starts the absolute path found, or nothing.
/// </summary>
internal static class ProgramLookup
{
    private static readonly Regex SafeName = new("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant);

    /// <summary>True for a name a program may have (no separator, no drive, no wildcard, no space).</summary>
    public static bool IsSafeName(string name) => SafeName.IsMatch(name) && name != "." && name != "..";

    /// <summary>The absolute path of the program on PATH, or null when none is found (or the name is not safe).</summary>
    public static string? Find(string name, string? path = null)
    {
        if (!IsSafeName(name))
        {
            return null;
        }

        var file = UnixFileSystem.IsWindows ? name + ".exe" : name;
        foreach (var entry in (path ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var directory = entry.Trim().Trim('"');
            if (directory.Length == 0 || !IsAbsolute(directory))
            {
                continue;
            }

            var candidate = Path.Combine(directory, file);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Rooted and, on Windows, with a drive or a UNC share (Path.IsPathRooted takes "\x" as rooted).</summary>
    private static bool IsAbsolute(string directory) =>
        Path.IsPathRooted(directory)
        && (!UnixFileSystem.IsWindows || (directory.Length >= 3 && directory[1] == ':' && (directory[2] == '\\' || directory[2] == '/')) || directory.StartsWith(@"\\", StringComparison.Ordinal));

    private static bool IsExecutable(string file) => UnixFileSystem.IsWindows || access(file, ExecuteOk) == 0;

    private const int ExecuteOk = 1;

    [DllImport("libc", SetLastError = true)]
    private static extern int access(string path, int mode);
}
