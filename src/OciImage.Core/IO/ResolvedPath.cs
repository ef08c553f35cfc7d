using System;
using System.Collections.Generic;
using System.IO;

namespace OciImage.Core.IO;

/// <summary>
/// Where an absolute path really leads, as the file system will follow it when something is written there: each
/// existing component that is a symbolic link (or a junction) is replaced by its target, a dangling one too (a
/// write through it creates the target), and '..' steps up from where the walk really is, not from the text before
/// it. Components that do not exist yet stay as written. netstandard2.0 has no realpath, and realpath refuses a
/// path whose end does not exist yet, which a destination about to be created is.
/// </summary>
internal static class ResolvedPath
{
    /// <summary>As Linux's SYMLOOP_MAX: more links than this is a loop, or a path built to be one.</summary>
    private const int MaxLinks = 40;

    // This system's separators only: on Unix a '\\' is part of a name, and splitting there would walk past a link named so.
    private static readonly char[] Separators = { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };

    /// <summary>The real path of <paramref name="path"/>, which must be absolute; null when it cannot be told (a link loop, an unreadable folder).</summary>
    public static string? Of(string path)
    {
        var root = Path.GetPathRoot(path);
        if (string.IsNullOrEmpty(root))
        {
            return null;
        }

        var current = root!;
        var rest = new List<string>(Split(path.Substring(root!.Length)));
        var links = 0;
        while (rest.Count > 0)
        {
            var component = rest[0];
            rest.RemoveAt(0);
            if (component.Length == 0 || component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, component);
            string? target;
            try
            {
                target = UnixFileSystem.GetLinkTarget(new FileInfo(next));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                return null;
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            // A relative target is read from the link's folder (where the walk is); an absolute one from its own root.
            if (Path.IsPathRooted(target))
            {
                var targetRoot = Path.GetPathRoot(target)!;
                current = targetRoot.Length > 0 ? targetRoot : current;
                rest.InsertRange(0, Split(target.Substring(targetRoot.Length)));
            }
            else
            {
                rest.InsertRange(0, Split(target));
            }
        }

        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or inside it (both real paths).</summary>
    public static bool IsInside(string path, string root)
    {
        var comparison = UnixFileSystem.IsWindows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var trimmed = root.TrimEnd(Separators);
        if (string.Equals(path.TrimEnd(Separators), trimmed, comparison))
        {
            return true;
        }

        return path.StartsWith(trimmed + Path.DirectorySeparatorChar, comparison) || path.StartsWith(trimmed + Path.AltDirectorySeparatorChar, comparison);
    }

    private static string[] Split(string text) => text.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
}
