using System;
using System.Linq;
using OciImage.Core.Errors;

namespace OciImage.Core.Layers;

/// <summary>
/// The checks of a layer entry that need no file system: a name that is absolute or goes up with '..', a whiteout
/// of '..', a hard link whose target is outside the image, a symbolic link whose relative target climbs out of
/// it. Expand-OciImage refuses such an entry before it writes anything, and Test-OciImage -Deep reports it, by
/// the same rules.
/// </summary>
internal static class EntrySafety
{
    /// <summary>The entry's path, or null when it names the root (nothing to apply); UnsafeLayerEntry for an unsafe entry.</summary>
    public static string? Check(LayerItem item)
    {
        var path = item.Path;
        if (path.StartsWith("/", StringComparison.Ordinal))
        {
            throw new UnsafeLayerEntryException(item.RawName, "its name is an absolute path");
        }

        if (path.Split('/').Contains(".."))
        {
            throw new UnsafeLayerEntryException(item.RawName, "its name goes up with '..'");
        }

        if (path.Length == 0 || path == ".")
        {
            return null;
        }

        if (item.IsWhiteout && !item.IsOpaqueMarker && item.Name.Substring(LayerPlanner.WhiteoutPrefix.Length).Split('/').Contains(".."))
        {
            throw new UnsafeLayerEntryException(item.RawName, "a whiteout may not name '..'");
        }

        if (item.IsWhiteout || item.IsOpaqueMarker)
        {
            return path;
        }

        if (item.Type == EntryKind.HardLink)
        {
            var linked = LayerReader.Normalise(item.LinkTarget ?? string.Empty);
            if (linked.StartsWith("/", StringComparison.Ordinal) || linked.Split('/').Contains("..") || linked.Length == 0)
            {
                throw new UnsafeLayerEntryException(item.RawName, $"its hard link target '{item.LinkTarget}' is outside the image");
            }
        }
        else if (item.Type == EntryKind.Symlink)
        {
            CheckLinkStaysInside(item.RawName, item.LinkTarget ?? string.Empty, path);
        }

        return path;
    }

    /// <summary>A relative symbolic link target, read from <paramref name="path"/>, stays inside the image (also for a hard link that gives a symbolic link a second name).</summary>
    public static void CheckLinkStaysInside(string rawName, string target, string path)
    {
        if (target.StartsWith("/", StringComparison.Ordinal))
        {
            return; // absolute targets are read inside the root, as a container sees them
        }

        var depth = path.Split('/').Length - 1;
        foreach (var part in target.Split('/'))
        {
            if (part == "..")
            {
                depth--;
                if (depth < 0)
                {
                    throw new UnsafeLayerEntryException(rawName, $"its symbolic link target '{target}' leads out of the image");
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                depth++;
            }
        }
    }
}
