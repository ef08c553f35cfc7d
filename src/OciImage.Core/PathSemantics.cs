using System;
using System.Runtime.InteropServices;

namespace OciImage.Core;

/// <summary>
/// How the path of an <c>oci:</c> or archive reference is read: where it ends (its first ':' that is not part of
/// its root) and which forms this system cannot open. Injected into the reference parser so both systems' rules are
/// tested on either. Windows: drive paths (<c>C:\x</c>, <c>C:/x</c>), drive-relative paths (<c>C:x</c>), UNC paths
/// (<c>\\server\share\x</c>) and device paths (<c>\\?\C:\x</c>), with '\' or '/'. Unix: <c>C:\x</c> and <c>C:/x</c>
/// are PowerShell drive paths (PowerShell resolves them where such a drive exists, else they are InvalidPath);
/// <c>c:1.0</c> is the layout <c>c</c> named <c>1.0</c>, as in skopeo; UNC and device paths are refused by name.
/// </summary>
public sealed class PathSemantics
{
    public static readonly PathSemantics Windows = new(isWindows: true);

    public static readonly PathSemantics Unix = new(isWindows: false);

    private PathSemantics(bool isWindows) => IsWindows = isWindows;

    /// <summary>This system's.</summary>
    public static PathSemantics Current { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? Windows : Unix;

    public bool IsWindows { get; }

    /// <summary>
    /// How many leading characters of <paramref name="text"/> (a path, perhaps followed by ':NAME') belong to the
    /// path's root, whose ':' does not end the path: "C:" of a drive path, "\\?\C:" of a device path; else 0.
    /// </summary>
    internal int RootLength(string text)
    {
        if (IsDevicePath(text))
        {
            return text.Length >= 6 && IsDriveLetter(text[4]) && text[5] == ':' ? 6 : 4;
        }

        if (text.Length >= 2 && IsDriveLetter(text[0]) && text[1] == ':')
        {
            var separated = text.Length >= 3 && text[2] is '\\' or '/';
            return IsWindows || separated ? 2 : 0;
        }

        return 0;
    }

    /// <summary>Why this system cannot open <paramref name="path"/>, or null when it may.</summary>
    internal string? Refusal(string path)
    {
        if (IsWindows)
        {
            return null;
        }

        if (IsDevicePath(path))
        {
            return $"'{path}' is a Windows device path, which this system (not Windows) cannot open";
        }

        return path.StartsWith(@"\\", StringComparison.Ordinal)
            ? $"'{path}' is a Windows UNC path (\\\\server\\share), which this system (not Windows) cannot open; name the share where it is mounted here"
            : null;
    }

    // \\?\ and \\.\ (either separator): the Win32 device namespace.
    private static bool IsDevicePath(string text) =>
        text.Length >= 4 && text[0] is '\\' or '/' && text[1] is '\\' or '/' && text[2] is '?' or '.' && text[3] is '\\' or '/'
        && (text[0] == '\\' || text[3] == '\\');

    private static bool IsDriveLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
}
