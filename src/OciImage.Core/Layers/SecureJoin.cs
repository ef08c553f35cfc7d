using System;
using System.Collections.Generic;
using System.IO;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// Resolves a path inside a root the way a container would see it: every symbolic link met on the way is
/// followed as if the root were '/', and '..' stops at the root, so the result is always inside the root
/// (as umoci's and containerd's securejoin do). The last component is not followed.
/// </summary>
internal static class SecureJoin
{
    private const int MaxLinks = 255;

    /// <summary>The full path on disk for <paramref name="relative"/> ('/'-separated) inside <paramref name="root"/>.</summary>
    public static string Resolve(string root, string relative)
    {
        var parts = new List<string>();
        var pending = new Stack<string>(Reverse(Split(relative)));
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            var candidate = Path.Combine(root, Path.Combine(parts.ToArray()), part);
            var isLast = pending.Count == 0;
            var target = isLast ? null : LinkTarget(candidate);
            if (target is null)
            {
                parts.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"too many symbolic links while resolving '{relative}'");
            }

            // Follow the link inside the root: absolute targets start again from the root.
            if (target.StartsWith("/", StringComparison.Ordinal))
            {
                parts.Clear();
            }

            foreach (var next in Reverse(Split(target)))
            {
                pending.Push(next);
            }
        }

        return parts.Count == 0 ? root : Path.Combine(root, Path.Combine(parts.ToArray()));
    }

    private static string? LinkTarget(string path)
    {
        // Attributes of a missing path are all set, and LinkTarget is then null: no exists check needed.
        return UnixFileSystem.GetLinkTarget(new FileInfo(path))?.Replace('\\', '/');
    }

    private static List<string> Split(string path)
    {
        var result = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length > 0 && part != ".")
            {
                result.Add(part);
            }
        }

        return result;
    }

    private static IEnumerable<string> Reverse(List<string> parts)
    {
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            yield return parts[i];
        }
    }
}
