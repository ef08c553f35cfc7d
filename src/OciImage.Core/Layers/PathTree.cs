using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Core.Layers;

/// <summary>
/// Paths as a tree of names, each node carrying a value (null for a parent no entry named): the one tree that
/// dive's figures, the merged file system (-Merged, Compare-OciImage -Files) and the unpacker's bookkeeping
/// build on. Every walk is a loop with a stack of its own, never recursion, because a tar can name a path
/// 50,000 directories deep in a few hundred bytes. Nothing here walks more than the path it is given or the
/// subtree it is asked about; <see cref="Steps"/> counts the nodes stepped through, so tests can show that
/// costs grow with the input and not with its square.
/// </summary>
internal sealed class PathTree<T>
    where T : class
{
    public PathTree() => Root = new Node(this, string.Empty, null);

    public Node Root { get; }

    /// <summary>Nodes looked up, made or walked over so far: a measure of work that does not depend on the clock.</summary>
    public long Steps { get; internal set; }

    /// <summary>The node of a '/'-separated path (empty parts skipped; "" is the root), or null.</summary>
    public Node? Find(string path)
    {
        var node = Root;
        foreach (var name in path.Split('/'))
        {
            if (name.Length == 0)
            {
                continue;
            }

            node = node.Child(name);
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The node of a path as <see cref="Find"/> reads it, made with its missing parents (their values null).</summary>
    public Node Ensure(string path)
    {
        var node = Root;
        foreach (var name in path.Split('/'))
        {
            if (name.Length > 0)
            {
                node = node.Child(name) ?? node.Add(name);
            }
        }

        return node;
    }

    /// <summary>A tree with the same names and the same values (values are shared, so they should not change in place).</summary>
    public PathTree<T> Copy()
    {
        var copy = new PathTree<T>();
        var stack = new Stack<(Node From, Node To)>();
        stack.Push((Root, copy.Root));
        while (stack.Count > 0)
        {
            var (from, to) = stack.Pop();
            if (from.Children is null)
            {
                continue;
            }

            foreach (var child in from.Children.Values)
            {
                var made = to.Add(child.Name);
                made.Value = child.Value;
                stack.Push((child, made));
            }
        }

        return copy;
    }

    /// <summary><paramref name="start"/>, then everything under it, each node before its children, names in byte order; never the root.</summary>
    public static IEnumerable<Node> ParentsFirst(Node start)
    {
        var stack = new Stack<Node>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            node.Tree.Steps++;
            if (node != node.Tree.Root)
            {
                yield return node;
            }

            foreach (var child in node.ChildrenDescending())
            {
                stack.Push(child);
            }
        }
    }

    /// <summary>Everything under <paramref name="start"/>, then <paramref name="start"/>, each node after its children, names in byte order; never the root.</summary>
    public static IEnumerable<Node> ChildrenFirst(Node start)
    {
        var stack = new Stack<(Node Node, bool Expanded)>();
        stack.Push((start, false));
        while (stack.Count > 0)
        {
            var (node, expanded) = stack.Pop();
            if (!expanded && !node.IsLeaf)
            {
                stack.Push((node, true));
                foreach (var child in node.ChildrenDescending())
                {
                    stack.Push((child, false));
                }

                continue;
            }

            node.Tree.Steps++;
            if (node != node.Tree.Root)
            {
                yield return node;
            }
        }
    }

    /// <summary>A name in the tree: its parent, its children by name, and a value.</summary>
    internal sealed class Node
    {
        public Node(PathTree<T> tree, string name, Node? parent)
        {
            Tree = tree;
            Name = name;
            Parent = parent;
        }

        public PathTree<T> Tree { get; }

        public string Name { get; }

        /// <summary>Null for the root only (a node taken out of the tree still names the parent it had).</summary>
        public Node? Parent { get; }

        public Dictionary<string, Node>? Children { get; private set; }

        public T? Value { get; set; }

        public bool IsLeaf => Children is null || Children.Count == 0;

        /// <summary>"/a/b" (names joined; "/" for the root).</summary>
        public string Path
        {
            get
            {
                var names = new List<string>();
                for (var node = this; node.Parent is not null; node = node.Parent)
                {
                    names.Add(node.Name);
                }

                names.Reverse();
                return "/" + string.Join("/", names);
            }
        }

        public Node? Child(string name)
        {
            Tree.Steps++;
            return Children is not null && Children.TryGetValue(name, out var child) ? child : null;
        }

        /// <summary>A new child of this name, in place of any there was (which goes with everything under it).</summary>
        public Node Add(string name)
        {
            Tree.Steps++;
            Children ??= new Dictionary<string, Node>(StringComparer.Ordinal);
            var node = new Node(Tree, name, this);
            Children[name] = node;
            return node;
        }

        /// <summary>Takes this node, with everything under it, out of the tree.</summary>
        public void Detach()
        {
            if (Parent?.Children is not null && Parent.Children.TryGetValue(Name, out var self) && self == this)
            {
                Parent.Children.Remove(Name);
            }
        }

        /// <summary>Takes every child, with everything under it, out of the tree.</summary>
        public void DetachChildren() => Children?.Clear();

        internal IEnumerable<Node> ChildrenDescending() =>
            Children is null ? Enumerable.Empty<Node>() : Children.Values.OrderByDescending(c => c.Name, StringComparer.Ordinal);
    }
}
