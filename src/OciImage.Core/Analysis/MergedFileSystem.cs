using System;
using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Layers;

namespace OciImage.Core.Analysis;

/// <summary>
/// The file system an image's layers make, by OCI whiteout rules, built one layer at a time on the path tree
/// without writing anything to disk: a layer's whiteouts and opaque markers apply first, to the layers below only
/// (whatever their place in the tar), then its entries in tar order. A non-directory over a directory replaces it
/// with everything under it; a directory over a directory keeps what is under it. Parents a tar does not list are
/// made as directories without an entry of their own. A hard link shares the content of the path it names at the
/// moment it is applied; when a later entry replaces or removes that path, the link keeps the old content, as on
/// a disk. Memory grows with the number of paths, never with bytes; each entry costs the length of its path, and
/// a removal the size of what it removes, so building is linear in the layers' entries.
/// </summary>
public sealed class MergedFileSystem
{
    private readonly PathTree<Written> _tree = new();

    /// <summary>Applies the next layer and tells what it added, changed and removed.</summary>
    public LayerChanges Apply(ScannedLayer layer)
    {
        var changes = new LayerChanges();
        var removedHere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in layer.Entries)
        {
            if (entry.Kind == EntryKind.Whiteout && entry.Path.Length > 0)
            {
                var node = _tree.Find(entry.Path);
                if (node is not null)
                {
                    CountRemoved(node, changes);
                    node.Detach();
                    removedHere.Add(entry.Path);
                }
            }
            else if (entry.Kind == EntryKind.OpaqueDirectory)
            {
                var directory = _tree.Find(entry.Path);
                if (directory?.Children is not null)
                {
                    foreach (var child in directory.Children.Values)
                    {
                        CountRemoved(child, changes);
                    }

                    directory.DetachChildren();
                    removedHere.Add(entry.Path);
                }
            }
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in layer.Entries)
        {
            if (entry.IsMarker || entry.Path.Length == 0)
            {
                continue;
            }

            Write(entry, layer.Index, written, removedHere, changes);
        }

        return changes;
    }

    /// <summary>Every path that has an entry, in byte order of its path.</summary>
    public IEnumerable<MergedEntry> Entries()
    {
        foreach (var node in PathTree<Written>.ParentsFirst(_tree.Root))
        {
            var written = node.Value;
            if (written is null)
            {
                continue;
            }

            var entry = written.Entry;
            var content = written.Content;
            if (entry.Kind == EntryKind.HardLink && content is not null && _tree.Find(LayerScanner.Clean(entry.LinkTarget ?? string.Empty))?.Value?.Content != content)
            {
                // The path it named was replaced or removed later: what is left is a file (or symbolic link) of its own with the old content.
                entry = new LayerEntry(entry.Path, entry.EntryName, content.Kind, content.Size, content.Mode, content.UserId, content.GroupId,
                    content.LinkTarget, content.Modified, content.ContentDigest);
            }

            yield return new MergedEntry("/" + entry.Path, entry, written.LayerIndex, written.Shadowed ?? (IReadOnlyList<int>)Array.Empty<int>(), content);
        }
    }

    /// <summary>Paths with an entry that is not a directory.</summary>
    public int FileCount => Entries().Count(e => !e.Entry.IsDirectory);

    /// <summary>Nodes stepped through so far: a measure of work for tests, independent of the clock.</summary>
    internal long Steps => _tree.Steps;

    private void Write(LayerEntry entry, int layer, HashSet<string> written, HashSet<string> removedHere, LayerChanges changes)
    {
        // What a hard link names is looked up before anything of this entry is written (it may name itself).
        var content = entry.Kind switch
        {
            EntryKind.File => entry,
            EntryKind.Symlink => entry, // a hard link to a symbolic link is that link under a second name, as tar extracts it
            EntryKind.HardLink => _tree.Find(LayerScanner.Clean(entry.LinkTarget ?? string.Empty))?.Value?.Content,
            _ => null,
        };

        var names = entry.Path.Split('/');
        var parent = _tree.Root;
        for (var i = 0; i < names.Length - 1; i++)
        {
            var child = parent.Child(names[i]);
            if (child is null)
            {
                child = parent.Add(names[i]);
            }
            else if (child.Value is not null && !child.Value.Entry.IsDirectory)
            {
                // A file where the path needs a directory: the directory takes its place.
                CountRemoved(child, changes);
                child = parent.Add(names[i]);
            }

            parent = child;
        }

        var name = names[names.Length - 1];
        var existing = parent.Child(name);
        var again = !written.Add(entry.Path);
        if (!entry.IsDirectory && !again)
        {
            var before = (existing?.Value is not null && existing.Value.LayerIndex != layer) || removedHere.Contains(entry.Path);
            if (before)
            {
                changes.FilesChanged++;
                changes.BytesChanged += entry.Size;
            }
            else
            {
                changes.FilesAdded++;
                changes.BytesAdded += entry.Size;
            }
        }

        if (existing is not null && entry.IsDirectory && (existing.Value is null || existing.Value.Entry.IsDirectory))
        {
            // A directory over a directory: what is under it stays.
            existing.Value = new Written(entry, layer, Shadow(existing, layer), null);
            return;
        }

        IReadOnlyList<int>? shadowed = null;
        if (existing is not null)
        {
            shadowed = Shadow(existing, layer);
            if (existing.Children is not null)
            {
                foreach (var child in existing.Children.Values)
                {
                    CountRemoved(child, changes);
                }
            }
        }

        parent.Add(name).Value = new Written(entry, layer, shadowed, content);
    }

    private static IReadOnlyList<int>? Shadow(PathTree<Written>.Node existing, int layer)
    {
        var written = existing.Value;
        if (written is null || written.LayerIndex == layer)
        {
            return written?.Shadowed;
        }

        var list = written.Shadowed?.ToList() ?? new List<int>();
        list.Add(written.LayerIndex);
        return list;
    }

    /// <summary>Counts the files of a subtree about to go: a walk of its own, as deep as the subtree, on the heap.</summary>
    private static void CountRemoved(PathTree<Written>.Node node, LayerChanges changes)
    {
        foreach (var gone in PathTree<Written>.ParentsFirst(node))
        {
            if (gone.Value is not null && !gone.Value.Entry.IsDirectory)
            {
                changes.FilesRemoved++;
                changes.BytesRemoved += gone.Value.Entry.Size;
            }
        }
    }

    /// <summary>
    /// What a path holds: the entry that last wrote it, its layer, the lower layers it shadows, and for a file or a
    /// hard link the file entry whose bytes it holds (the same object for every name of those bytes).
    /// </summary>
    private sealed class Written
    {
        public Written(LayerEntry entry, int layerIndex, IReadOnlyList<int>? shadowed, LayerEntry? content)
        {
            Entry = entry;
            LayerIndex = layerIndex;
            Shadowed = shadowed;
            Content = content;
        }

        public LayerEntry Entry { get; }

        public int LayerIndex { get; }

        public IReadOnlyList<int>? Shadowed { get; }

        public LayerEntry? Content { get; }
    }
}
