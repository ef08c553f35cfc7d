using System;
using System.IO;
using System.Runtime.InteropServices;

namespace OciImage.Isolation;

/// <summary>
/// Where the module keeps the engine compiled ahead of time (ReadyToRun) for this process: lib/r2r/linux-x64/net10.0/.
/// R2R native code is per OS and architecture, and each .NET major accepts only its own compiler's R2R format
/// (.NET 10 needs format 16 and up; .NET 8 writes 9 and reads no newer), so the folder is chosen by all three; with
/// no folder for this process the IL copies in lib/ are used, which run everywhere. Only .NET 8+ gets here (this
/// assembly is net8.0), so .NET Framework and Mono never see an R2R copy.
/// </summary>
public static class ReadyToRunFolder
{
    /// <summary>The folder for this process, or null when the module has none for it.</summary>
    public static string? Find(string libFolder)
    {
        var folder = For(libFolder, CurrentOS(), RuntimeInformation.ProcessArchitecture, Environment.Version.Major);
        return folder is not null && Directory.Exists(folder) ? folder : null;
    }

    /// <summary>lib/r2r/{os}-{arch}/net{major}.0, or null for an OS we do not name.</summary>
    /// <param name="os">"linux", "osx" or "win"; null for any other.</param>
    public static string? For(string libFolder, string? os, Architecture architecture, int runtimeMajor) =>
        os is null ? null : Path.Combine(libFolder, "r2r", $"{os}-{architecture.ToString().ToLowerInvariant()}", $"net{runtimeMajor}.0");

    /// <summary>
    /// The file to load for <paramref name="fileName"/>: the R2R copy only when it was compiled from the very IL
    /// beside it (the same module version id), so a stale R2R folder, left by an earlier Release build under a
    /// later Debug one, can never run other code than lib/ holds; else the IL copy, or null when there is none.
    /// </summary>
    public static string? Choose(string libFolder, string? readyToRunFolder, string fileName)
    {
        var il = Path.Combine(libFolder, fileName);
        if (!File.Exists(il))
        {
            return null;
        }

        if (readyToRunFolder is not null)
        {
            var compiled = Path.Combine(readyToRunFolder, fileName);
            if (File.Exists(compiled) && ModuleVersionIdReader.Read(compiled) is { } id && id == ModuleVersionIdReader.Read(il))
            {
                return compiled;
            }
        }

        return il;
    }

    // linux covers glibc and musl alike: R2R code calls the runtime, not the C library.
    private static string? CurrentOS() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsWindows() ? "win" : null;
}
