using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace OciImage.Core.Layers;

/// <summary>
/// Decides what a layer holds: the whole tree under its destination (with the destination's parents as 0755
/// directories), or with a base tree only what changed, plus .wh. whiteouts for deletions and .wh..wh..opq
/// where a directory's old content is all gone. Modes are normalised unless asked to keep them.
/// </summary>
internal static class LayerPlanner
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";

    public static LayerPlan Plan(string source, LayerBuildOptions options)
    {
        var tree = TreeWalker.Walk(source, options.Include, options.Exclude);
        var executables = options.ExecutablePaths?.Select(Glob.ToRegex).ToList();
        var prefix = options.Destination.Replace('\\', '/').Trim('/');
        var entries = new List<PlannedEntry>();

        // Parents of the destination, so a runtime does not create them with odd modes.
        if (prefix.Length > 0)
        {
            var parts = prefix.Split('/');
            for (var i = 1; i <= parts.Length; i++)
            {
                entries.Add(new PlannedEntry(string.Join("/", parts.Take(i)), PlannedKind.Directory, null, options.DirectoryMode ?? 0x1ED));
            }
        }

        IEnumerable<TreeEntry> selected = tree;
        if (options.BaseDirectory is not null)
        {
            var old = TreeWalker.Walk(options.BaseDirectory, options.Include, options.Exclude).ToDictionary(e => e.Path, StringComparer.Ordinal);
            var (changed, whiteouts) = Diff(tree, old, options.OpaqueWhiteouts);
            selected = changed;
            entries.AddRange(whiteouts.Select(w => new PlannedEntry(Join(prefix, w), PlannedKind.Whiteout, null, 0)));
        }

        // A hard link can only name a file this layer carries; one whose file is not here is stored as a file.
        var carriedFiles = new HashSet<string>(selected.Where(e => e.Type == TreeEntryType.File).Select(e => e.Path), StringComparer.Ordinal);
        foreach (var entry in selected)
        {
            var path = Join(prefix, entry.Path);
            switch (entry.Type)
            {
                case TreeEntryType.HardLink when carriedFiles.Contains(entry.LinkTarget!):
                    entries.Add(new PlannedEntry(path, PlannedKind.HardLink, entry, FileMode(entry, options, executables)) { LinkTarget = Join(prefix, entry.LinkTarget!) });
                    break;
                case TreeEntryType.Directory:
                    entries.Add(new PlannedEntry(path, PlannedKind.Directory, entry, DirectoryMode(entry, options)));
                    break;
                case TreeEntryType.Symlink:
                    entries.Add(new PlannedEntry(path, PlannedKind.Symlink, entry, 0x1FF));
                    break;
                case TreeEntryType.CharacterDevice or TreeEntryType.BlockDevice or TreeEntryType.Fifo:
                    entries.Add(new PlannedEntry(path, PlannedKind.Special, entry, FileMode(entry, options, executables)));
                    break;
                default:
                    entries.Add(new PlannedEntry(path, PlannedKind.File, entry, FileMode(entry, options, executables)));
                    break;
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new LayerPlan(entries);
    }

    private static string Join(string prefix, string path) => prefix.Length == 0 ? path : prefix + "/" + path;

    private static int DirectoryMode(TreeEntry entry, LayerBuildOptions options) =>
        options.DirectoryMode ?? (options.PreserveMode && entry.Mode is { } m ? m : 0x1ED);

    private static int FileMode(TreeEntry entry, LayerBuildOptions options, List<Regex>? executables)
    {
        if (executables is not null && executables.Any(r => r.IsMatch(entry.Path)))
        {
            return 0x1ED;
        }

        if (options.FileMode is { } forced)
        {
            return forced;
        }

        if (options.PreserveMode && entry.Mode is { } kept)
        {
            return kept;
        }

        // Normalised: 0755 for anything executable, 0644 for the rest.
        return entry.Mode is { } mode && (mode & 0x49) != 0 ? 0x1ED : 0x1A4;
    }

    /// <summary>What changed from the old tree, and the whiteout paths for what was deleted.</summary>
    private static (List<TreeEntry> Changed, List<string> Whiteouts) Diff(IReadOnlyList<TreeEntry> tree, Dictionary<string, TreeEntry> old, bool opaqueWhiteouts)
    {
        var current = tree.ToDictionary(e => e.Path, StringComparer.Ordinal);
        var include = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in tree)
        {
            if (!old.TryGetValue(entry.Path, out var before) || Differs(entry, before))
            {
                include.Add(entry.Path);
                AddParents(entry.Path, include);
            }
        }

        // A hard link shares its file's bytes: when the file changed, so did the link.
        foreach (var link in tree.Where(e => e.Type == TreeEntryType.HardLink && include.Contains(e.LinkTarget!)))
        {
            include.Add(link.Path);
            AddParents(link.Path, include);
        }

        // Directories whose old content is all gone and that hold new content become opaque, when asked; by
        // default each old name gets its own whiteout below.
        var opaque = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in tree.Where(e => opaqueWhiteouts && e.Type == TreeEntryType.Directory && old.TryGetValue(e.Path, out var o) && o.Type == TreeEntryType.Directory))
        {
            var oldChildren = old.Keys.Where(k => k.StartsWith(dir.Path + "/", StringComparison.Ordinal) && k.IndexOf('/', dir.Path.Length + 1) < 0).ToList();
            var newChildren = current.Keys.Where(k => k.StartsWith(dir.Path + "/", StringComparison.Ordinal) && k.IndexOf('/', dir.Path.Length + 1) < 0).ToList();
            if (oldChildren.Count > 0 && newChildren.Count > 0 && oldChildren.All(c => !current.ContainsKey(c)))
            {
                opaque.Add(dir.Path);
                include.Add(dir.Path);
                AddParents(dir.Path, include);
            }
        }

        var whiteouts = new List<string>();
        foreach (var path in old.Keys)
        {
            if (current.ContainsKey(path))
            {
                continue;
            }

            var parent = Parent(path);
            var parentSurvives = parent.Length == 0 || (current.TryGetValue(parent, out var p) && p.Type == TreeEntryType.Directory && old.ContainsKey(parent));
            if (!parentSurvives || opaque.Contains(parent))
            {
                continue; // covered by a deleted or replaced parent, or by an opaque marker
            }

            whiteouts.Add((parent.Length == 0 ? string.Empty : parent + "/") + WhiteoutPrefix + Name(path));
            if (parent.Length > 0)
            {
                include.Add(parent);
                AddParents(parent, include);
            }
        }

        whiteouts.AddRange(opaque.Select(d => d + "/" + OpaqueMarker));
        return (tree.Where(e => include.Contains(e.Path)).ToList(), whiteouts);
    }

    private static bool Differs(TreeEntry now, TreeEntry before)
    {
        if (now.Type != before.Type || now.Mode != before.Mode)
        {
            return true;
        }

        return now.Type switch
        {
            TreeEntryType.Symlink or TreeEntryType.HardLink => now.LinkTarget != before.LinkTarget,
            TreeEntryType.File => now.Size != before.Size || !SameBytes(now.FullPath, before.FullPath),
            TreeEntryType.CharacterDevice or TreeEntryType.BlockDevice => now.DeviceMajor != before.DeviceMajor || now.DeviceMinor != before.DeviceMinor,
            _ => false,
        };
    }

    private static bool SameBytes(string a, string b)
    {
        using var left = new FileStream(a, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var right = new FileStream(b, System.IO.FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var x = new byte[1 << 16];
        var y = new byte[1 << 16];
        while (true)
        {
            var n = left.Read(x, 0, x.Length);
            var m = ReadFully(right, y, n);
            if (n != m)
            {
                return false;
            }

            if (n == 0)
            {
                return true;
            }

            if (!x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, n)))
            {
                return false;
            }
        }
    }

    private static int ReadFully(Stream stream, byte[] buffer, int count)
    {
        var total = 0;
        while (total < count)
        {
            var n = stream.Read(buffer, total, count - total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private static void AddParents(string path, HashSet<string> set)
    {
        var parent = Parent(path);
        while (parent.Length > 0 && set.Add(parent))
        {
            parent = Parent(parent);
        }
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path.Substring(0, slash);
    }

    private static string Name(string path) => path.Substring(path.LastIndexOf('/') + 1);
}
