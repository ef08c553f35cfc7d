using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Core.Analysis;

/// <summary>
/// A layer's files as dive 0.13 models them (its filetree package), kept apart from the OCI merged file system
/// because dive's stacking is not OCI's: a path given in a tar gets the entry's size and directory flag, a parent
/// the tar does not list gets size 0 and no directory flag (and takes that over a lower layer's entry when
/// stacked), opaque-directory markers are dropped, a ".wh.NAME" entry is a node of its own, and stacking a
/// whiteout removes NAME with everything under it. Only the efficiency figures use it.
/// </summary>
internal sealed class DiveTree
{
    private const string WhiteoutPrefix = ".wh.";
    private const string DoubleWhiteoutPrefix = ".wh..wh..";

    public DiveNode Root { get; } = new(string.Empty, null);

    /// <summary>A layer's tree from its entries, in tar order.</summary>
    public static DiveTree FromEntries(IEnumerable<LayerEntry> entries)
    {
        var tree = new DiveTree();
        foreach (var entry in entries)
        {
            if (entry.EntryName.Length > 0)
            {
                tree.AddPath(entry.EntryName, entry.Size, entry.IsDirectory);
            }
        }

        return tree;
    }

    /// <summary>
    /// dive's AddPath: walks the parts, making the missing ones with no data, and stops without adding anything
    /// further at a missing part named ".wh..wh..*"; the last part takes the data.
    /// </summary>
    public void AddPath(string path, long size, bool isDirectory)
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

            if (node.Children is not null && node.Children.TryGetValue(name, out var child))
            {
                node = child;
            }
            else
            {
                if (name.StartsWith(DoubleWhiteoutPrefix, StringComparison.Ordinal))
                {
                    return;
                }

                node = node.Add(name);
            }

            if (i == names.Length - 1)
            {
                node.Size = size;
                node.IsDirectory = isDirectory;
            }
        }
    }

    public DiveNode? GetNode(string path)
    {
        var node = Root;
        foreach (var name in path.Split('/'))
        {
            if (name.Length == 0)
            {
                continue;
            }

            if (node.Children is null || !node.Children.TryGetValue(name, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    public DiveTree Copy()
    {
        var copy = new DiveTree();
        CopyChildren(Root, copy.Root);
        return copy;
    }

    /// <summary>dive's Stack: the upper tree's nodes, children first, remove (whiteouts) or add over this one.</summary>
    public void Stack(DiveTree upper)
    {
        foreach (var node in ChildFirst(upper.Root))
        {
            var path = node.Path;
            if (node.IsWhiteout)
            {
                var target = GetNode(path);
                if (target is not null && target != Root)
                {
                    target.Parent!.Children!.Remove(target.Name);
                }
            }
            else
            {
                AddPath(path, node.Size, node.IsDirectory);
            }
        }
    }

    /// <summary>Every node under <paramref name="start"/>, deepest first, children in byte order, then the node itself (not the root).</summary>
    public static IEnumerable<DiveNode> ChildFirst(DiveNode start)
    {
        // An explicit stack: layer trees can be deep enough that recursion is a risk.
        var stack = new Stack<(DiveNode Node, bool Expanded)>();
        stack.Push((start, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (expanded || node.Children is null || node.Children.Count == 0)
            {
                if (node.Parent is not null)
                {
                    yield return node;
                }

                continue;
            }

            stack.Push((node, true));
            foreach (var name in node.Children.Keys.OrderByDescending(k => k, StringComparer.Ordinal))
            {
                stack.Push((node.Children[name], false));
            }
        }
    }

    private static void CopyChildren(DiveNode from, DiveNode to)
    {
        if (from.Children is null)
        {
            return;
        }

        foreach (var child in from.Children.Values)
        {
            var copy = to.Add(child.Name);
            copy.Size = child.Size;
            copy.IsDirectory = child.IsDirectory;
            CopyChildren(child, copy);
        }
    }

    internal sealed class DiveNode
    {
        public DiveNode(string name, DiveNode? parent)
        {
            Name = name;
            Parent = parent;
        }

        public string Name { get; }

        public DiveNode? Parent { get; }

        public Dictionary<string, DiveNode>? Children { get; private set; }

        public long Size { get; set; }

        public bool IsDirectory { get; set; }

        public bool IsLeaf => Children is null || Children.Count == 0;

        public bool IsWhiteout => Name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal);

        /// <summary>"/a/b", the ".wh." of this node's own name left out, as dive's FileNode.Path().</summary>
        public string Path
        {
            get
            {
                var parts = new List<string>();
                for (var node = this; node.Parent is not null; node = node.Parent)
                {
                    parts.Add(node == this && IsWhiteout ? Name.Substring(WhiteoutPrefix.Length) : node.Name);
                }

                parts.Reverse();
                return "/" + string.Join("/", parts);
            }
        }

        public DiveNode Add(string name)
        {
            Children ??= new Dictionary<string, DiveNode>(StringComparer.Ordinal);
            var node = new DiveNode(name, this);
            Children[name] = node;
            return node;
        }

        /// <summary>Σ of the sizes of this node and every node under it.</summary>
        public long SubtreeSize()
        {
            long sum = Size;
            if (Children is not null)
            {
                foreach (var child in Children.Values)
                {
                    sum += child.SubtreeSize();
                }
            }

            return sum;
        }
    }
}
