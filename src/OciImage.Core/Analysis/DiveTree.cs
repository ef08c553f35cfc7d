using System;
using System.Collections.Generic;
using OciImage.Core.Layers;

namespace OciImage.Core.Analysis;

/// <summary>
/// A layer's files as dive 0.13 models them (its filetree package), on the path tree, kept apart from the OCI
/// merged file system because dive's stacking is not OCI's: a path given in a tar gets the entry's size and
/// directory flag, a parent the tar does not list gets size 0 and no directory flag (and takes that over a lower
/// layer's entry when stacked), opaque-directory markers are dropped, a ".wh.NAME" entry is a node of its own,
/// and stacking a whiteout removes NAME with everything under it. Only the efficiency figures use it.
/// </summary>
internal sealed class DiveTree
{
    private const string WhiteoutPrefix = ".wh.";
    private const string DoubleWhiteoutPrefix = ".wh..wh..";

    private readonly PathTree<Data> _tree;

    /// <summary>Σ of the sizes under a node, kept until the tree changes: nested whiteouts sum each node once.</summary>
    private Dictionary<PathTree<Data>.Node, long>? _sums;

    private DiveTree(PathTree<Data> tree) => _tree = tree;

    public PathTree<Data>.Node Root => _tree.Root;

    /// <summary>Work done on this tree so far (nodes stepped through).</summary>
    public long Steps => _tree.Steps;

    /// <summary>Whether a ".wh." node was made: only then does dive's stacking of a tree onto its own copy change it.</summary>
    public bool HasWhiteouts { get; private set; }

    /// <summary>A layer's tree from its entries, in tar order.</summary>
    public static DiveTree FromEntries(IEnumerable<LayerEntry> entries)
    {
        var tree = new DiveTree(new PathTree<Data>());
        foreach (var entry in entries)
        {
            if (entry.EntryName.Length > 0)
            {
                tree.AddPath(entry.EntryName, new Data(entry.Size, entry.IsDirectory, entry.EntryName));
            }
        }

        return tree;
    }

    public static bool IsWhiteout(PathTree<Data>.Node node) => node.Name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal);

    /// <summary>"/a/b", the ".wh." of this node's own name left out, as dive's FileNode.Path().</summary>
    public static string PathOf(PathTree<Data>.Node node)
    {
        var path = node.Path;
        return IsWhiteout(node) ? path.Substring(0, path.Length - node.Name.Length) + node.Name.Substring(WhiteoutPrefix.Length) : path;
    }

    /// <summary>
    /// <see cref="PathOf"/> without its leading '/': for a node an entry made, that entry's own name (the same
    /// string, so a million paths are not held twice), else made from the tree.
    /// </summary>
    public static string KeyOf(PathTree<Data>.Node node) =>
        node.Value is { } data && !IsWhiteout(node) ? data.Name : PathOf(node).Substring(1);

    /// <summary>The size a node holds: 0 for a parent the tar did not list.</summary>
    public static long SizeOf(PathTree<Data>.Node node) => node.Value?.Size ?? 0;

    public static bool IsDirectory(PathTree<Data>.Node node) => node.Value?.IsDirectory ?? false;

    public PathTree<Data>.Node? GetNode(string path) => _tree.Find(path);

    public DiveTree Copy() => new(_tree.Copy());

    /// <summary>
    /// dive's Stack: the upper tree's nodes, children first, remove (whiteouts) or add over this one. dive adds
    /// each by its path from the root; here the upper tree is walked beside this one, so the cost is the upper
    /// tree's size, not its size times its depth.
    /// </summary>
    public void Stack(DiveTree upper)
    {
        _sums = null;
        var stack = new Stack<(PathTree<Data>.Node Upper, PathTree<Data>.Node Below, bool Expanded)>();
        foreach (var child in upper.Root.ChildrenDescending())
        {
            stack.Push((child, Root, false));
        }

        while (stack.Count > 0)
        {
            var (node, below, expanded) = stack.Pop();
            if (!expanded && !node.IsLeaf)
            {
                // dive's AddPath of a child makes its missing parents with no data; the parent's own turn comes after.
                var here = below.Child(node.Name) ?? below.Add(node.Name);
                stack.Push((node, below, true));
                foreach (var child in node.ChildrenDescending())
                {
                    stack.Push((child, here, false));
                }

                continue;
            }

            if (IsWhiteout(node))
            {
                // By path, as dive's GetNode: ".wh." alone names the directory it is in (never the root).
                var name = node.Name.Substring(WhiteoutPrefix.Length);
                var target = name.Length == 0 ? below : below.Child(name);
                if (target is not null && target != Root)
                {
                    target.Detach();
                }
            }
            else
            {
                (below.Child(node.Name) ?? below.Add(node.Name)).Value = node.Value;
            }
        }
    }

    /// <summary>Σ of the sizes of a node and every node under it; each node is summed once until the tree changes.</summary>
    public long SubtreeSize(PathTree<Data>.Node start)
    {
        _sums ??= new Dictionary<PathTree<Data>.Node, long>();
        if (_sums.TryGetValue(start, out var known))
        {
            return known;
        }

        var stack = new Stack<(PathTree<Data>.Node Node, bool Expanded)>();
        stack.Push((start, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            _tree.Steps++;
            if (!expanded)
            {
                if (!_sums.ContainsKey(node))
                {
                    stack.Push((node, true));
                    foreach (var child in node.Children?.Values ?? (IEnumerable<PathTree<Data>.Node>)Array.Empty<PathTree<Data>.Node>())
                    {
                        stack.Push((child, false));
                    }
                }

                continue;
            }

            var sum = SizeOf(node);
            if (node.Children is not null)
            {
                foreach (var child in node.Children.Values)
                {
                    sum += _sums[child];
                }
            }

            _sums[node] = sum;
        }

        return _sums[start];
    }

    /// <summary>
    /// dive's AddPath: walks the parts, making the missing ones with no data, and stops without adding anything
    /// further at a missing part named ".wh..wh..*"; the last part takes the data.
    /// </summary>
    private void AddPath(string path, Data data)
    {
        var names = path.Split('/');
        var node = Root;
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            if (name.Length == 0)
            {
                continue;
            }

            var child = node.Child(name);
            if (child is null)
            {
                if (name.StartsWith(DoubleWhiteoutPrefix, StringComparison.Ordinal))
                {
                    return;
                }

                child = node.Add(name);
                HasWhiteouts |= name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal);
            }

            node = child;
            if (i == names.Length - 1)
            {
                node.Value = data;
            }
        }
    }

    /// <summary>What dive keeps of an entry: its size in the tar header and whether it is a directory; and its name.</summary>
    internal sealed class Data
    {
        public Data(long size, bool isDirectory, string name)
        {
            Size = size;
            IsDirectory = isDirectory;
            Name = name;
        }

        /// <summary>The entry's cleaned tar name: the path of the node it was given to, without the leading '/'.</summary>
        public string Name { get; }

        public long Size { get; }

        public bool IsDirectory { get; }
    }
}
