using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Core.Analysis;

/// <summary>
/// The file system an image's layers make, by OCI whiteout rules, built one layer at a time without writing
/// anything to disk: a layer's whiteouts and opaque markers apply first, to the layers below only (whatever
/// their place in the tar), then its entries in tar order. A non-directory over a directory replaces it with
/// everything under it; a directory over a directory keeps what is under it. Parents a tar does not list are made
/// as directories without an entry of their own. Memory grows with the number of paths, never with bytes.
/// </summary>
public sealed class MergedFileSystem
{
    private readonly Node _root = new(string.Empty, null);

    /// <summary>Applies the next layer and tells what it added, changed and removed.</summary>
    public LayerChanges Apply(ScannedLayer layer)
    {
        var changes = new LayerChanges();
        var removedHere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in layer.Entries)
        {
            if (entry.Kind == EntryKind.Whiteout && entry.Path.Length > 0)
            {
                var node = Find(entry.Path);
                if (node is not null)
                {
                    CountRemoved(node, changes);
                    node.Parent!.Children!.Remove(node.Name);
                    removedHere.Add(entry.Path);
                }
            }
            else if (entry.Kind == EntryKind.OpaqueDirectory)
            {
                var directory = entry.Path.Length == 0 ? _root : Find(entry.Path);
                if (directory?.Children is not null)
                {
                    foreach (var child in directory.Children.Values)
                    {
                        CountRemoved(child, changes);
                    }

                    directory.Children.Clear();
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
        var stack = new Stack<(Node Node, string Path)>();
        stack.Push((_root, string.Empty));
        while (stack.Count > 0)
        {
            var (node, path) = stack.Pop();
            if (node.Entry is not null)
            {
                yield return new MergedEntry(path, node.Entry, node.LayerIndex, node.Shadowed ?? (IReadOnlyList<int>)Array.Empty<int>());
            }

            if (node.Children is not null)
            {
                foreach (var name in node.Children.Keys.OrderByDescending(k => k, StringComparer.Ordinal))
                {
                    stack.Push((node.Children[name], path + "/" + name));
                }
            }
        }
    }

    /// <summary>Paths with an entry that is not a directory.</summary>
    public int FileCount => Entries().Count(e => !e.Entry.IsDirectory);

    private void Write(LayerEntry entry, int layer, HashSet<string> written, HashSet<string> removedHere, LayerChanges changes)
    {
        var names = entry.Path.Split('/');
        var parent = _root;
        for (var i = 0; i < names.Length - 1; i++)
        {
            var child = parent.Child(names[i]);
            if (child is null)
            {
                child = parent.Add(names[i]);
            }
            else if (child.Entry is not null && !child.Entry.IsDirectory)
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
            var before = (existing?.Entry is not null && existing.LayerIndex != layer) || removedHere.Contains(entry.Path);
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

        if (existing is not null && entry.IsDirectory && (existing.Entry is null || existing.Entry.IsDirectory))
        {
            // A directory over a directory: what is under it stays.
            existing.Shadowed = Shadow(existing, layer);
            existing.Entry = entry;
            existing.LayerIndex = layer;
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

        var node = parent.Add(name);
        node.Entry = entry;
        node.LayerIndex = layer;
        node.Shadowed = shadowed;
    }

    private static IReadOnlyList<int>? Shadow(Node existing, int layer)
    {
        if (existing.Entry is null || existing.LayerIndex == layer)
        {
            return existing.Shadowed;
        }

        var list = existing.Shadowed?.ToList() ?? new List<int>();
        list.Add(existing.LayerIndex);
        return list;
    }

    private static void CountRemoved(Node node, LayerChanges changes)
    {
        if (node.Entry is not null && !node.Entry.IsDirectory)
        {
            changes.FilesRemoved++;
            changes.BytesRemoved += node.Entry.Size;
        }

        if (node.Children is not null)
        {
            foreach (var child in node.Children.Values)
            {
                CountRemoved(child, changes);
            }
        }
    }

    private Node? Find(string path)
    {
        var node = _root;
        foreach (var name in path.Split('/'))
        {
            node = node.Child(name);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private sealed class Node
    {
        public Node(string name, Node? parent)
        {
            Name = name;
            Parent = parent;
        }

        public string Name { get; }

        public Node? Parent { get; }

        public Dictionary<string, Node>? Children { get; private set; }

        /// <summary>Null for a parent no tar listed.</summary>
        public LayerEntry? Entry { get; set; }

        public int LayerIndex { get; set; }

        public IReadOnlyList<int>? Shadowed { get; set; }

        public Node? Child(string name) => Children is not null && Children.TryGetValue(name, out var child) ? child : null;

        /// <summary>Adds (or replaces) a child.</summary>
        public Node Add(string name)
        {
            Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            var node = new Node(name, this);
            Children[name] = node;
            return node;
        }
    }
}
