using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// Lists a directory tree in ordinal order of its '/'-separated relative paths (the order a reproducible layer
/// needs), without following symbolic links, filtered by include and exclude globs. Devices and FIFOs (a real
/// root file system has /dev/null and friends) become entries of their own kind and are never opened: reading
/// /dev/zero or a FIFO would never end. Sockets are left out, as GNU tar does.
/// </summary>
internal static class TreeWalker
{
    public static IReadOnlyList<TreeEntry> Walk(string root, IReadOnlyList<string>? include = null, IReadOnlyList<string>? exclude = null)
    {
        var includes = include?.Select(Glob.ToRegex).ToList();
        var excludes = exclude?.Select(Glob.ToRegex).ToList();
        var result = new List<TreeEntry>();
        Visit(new DirectoryInfo(root), string.Empty, result, includes, excludes);
        result.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        LinkHardLinks(result);
        return result;
    }

    /// <summary>
    /// Files that are one file under several names are stored once: every name after the first (in layer order)
    /// becomes a hard link to the first, as tar does. Only names that passed the filters count, so a link never
    /// points at a file the layer leaves out. Empty files are not linked (nothing to save).
    /// </summary>
    private static void LinkHardLinks(List<TreeEntry> entries)
    {
        var first = new Dictionary<(long FileSystem, long Inode), string>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Type != TreeEntryType.File || entry.Size == 0 || entry.FileIdentity is not { } identity)
            {
                continue;
            }

            if (first.TryGetValue(identity, out var target))
            {
                entries[i] = new TreeEntry(entry.Path, entry.FullPath, TreeEntryType.HardLink, entry.Size, entry.Mode, target);
            }
            else
            {
                first.Add(identity, entry.Path);
            }
        }
    }

    private static void Visit(DirectoryInfo directory, string prefix, List<TreeEntry> result, List<Regex>? includes, List<Regex>? excludes)
    {
        foreach (var info in directory.EnumerateFileSystemInfos())
        {
            var path = prefix.Length == 0 ? info.Name : prefix + "/" + info.Name;
            if (excludes is not null && excludes.Any(r => r.IsMatch(path)))
            {
                continue;
            }

            var link = UnixFileSystem.GetLinkTarget(info);
            if (link is not null)
            {
                if (Included(path, includes))
                {
                    result.Add(new TreeEntry(path, info.FullName, TreeEntryType.Symlink, 0, UnixFileSystem.GetPermissions(info.FullName) ?? 0x1FF, link.Replace('\\', '/')));
                }

                continue;
            }

            if (info is DirectoryInfo sub)
            {
                var before = result.Count;
                Visit(sub, path, result, includes, excludes);

                // A directory is kept when it is included itself or holds something included (empty ones too).
                if (includes is null || result.Count > before || Included(path, includes))
                {
                    result.Add(new TreeEntry(path, info.FullName, TreeEntryType.Directory, 0, UnixFileSystem.GetPermissions(info.FullName), null));
                }
            }
            else if (info is FileInfo file && Included(path, includes))
            {
                var entry = FileEntry(path, file);
                if (entry is not null)
                {
                    result.Add(entry);
                }
            }
        }
    }

    /// <summary>
    /// A file, device or FIFO, from one lstat (type, size, permissions and identity at once); null for a socket.
    /// Where lstat is not available, a file as FileInfo sees it.
    /// </summary>
    private static TreeEntry? FileEntry(string path, FileInfo file)
    {
        if (UnixFileStatus.Of(file.FullName) is not { } status)
        {
            return new TreeEntry(path, file.FullName, TreeEntryType.File, file.Length, UnixFileSystem.GetPermissions(file.FullName), null);
        }

        var type = status.Type switch
        {
            UnixFileType.CharacterDevice => TreeEntryType.CharacterDevice,
            UnixFileType.BlockDevice => TreeEntryType.BlockDevice,
            UnixFileType.Fifo => TreeEntryType.Fifo,
            UnixFileType.Socket => (TreeEntryType?)null,
            _ => TreeEntryType.File,
        };
        return type is not { } kind
            ? null
            : new TreeEntry(path, file.FullName, kind, kind == TreeEntryType.File ? status.Size : 0, status.Permissions, null)
            {
                DeviceMajor = status.DeviceMajor,
                DeviceMinor = status.DeviceMinor,
                FileIdentity = (status.FileSystem, status.Inode),
            };
    }

    private static bool Included(string path, List<Regex>? includes) => includes is null || includes.Any(r => r.IsMatch(path));
}

/// <summary>Globs on '/'-separated paths: * within a segment, ** across segments, ? one character.</summary>
internal static class Glob
{
    public static Regex ToRegex(string glob)
    {
        var pattern = glob.Replace('\\', '/').TrimStart('/');
        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                    regex.Append("/?");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        // A pattern without a slash matches a name at any depth, as in .dockerignore-style use.
        var anchored = pattern.Contains("/") ? regex.ToString() : "^(?:.*/)?" + regex.ToString().Substring(1);
        return new Regex(anchored + "(?:/.*)?$", RegexOptions.CultureInvariant);
    }
}
