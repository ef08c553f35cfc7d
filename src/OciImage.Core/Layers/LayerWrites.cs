using System.Collections.Generic;

namespace OciImage.Core.Layers;

/// <summary>
/// What one layer has written so far, as a tree of names relative to the root (ancestors included), so an opaque
/// marker can tell this layer's entries from the lower layers' in one lookup a child. Each directory node is
/// swept at most once a layer: once swept, everything below it is this layer's, so a later marker for it or an
/// ancestor does not walk it again. Both make opaque markers linear in the entries, whatever their number.
/// </summary>
internal sealed class LayerWrites
{
    private readonly Node _root = new();

    /// <summary>Adds a path, its names separated by <paramref name="separator"/>.</summary>
    public void Add(string relative, char separator)
    {
        var node = _root;
        var start = 0;
        while (start < relative.Length)
        {
            var end = relative.IndexOf(separator, start);
            if (end < 0)
            {
                end = relative.Length;
            }

            if (end > start)
            {
                node = node.Child(relative.Substring(start, end - start), create: true)!;
            }

            start = end + 1;
        }
    }

    /// <summary>The node of a path, or null when this layer wrote nothing there.</summary>
    public Node? Find(string relative, char separator)
    {
        Node? node = _root;
        foreach (var name in relative.Split(separator))
        {
            if (name.Length > 0)
            {
                node = node.Child(name, create: false);
                if (node is null)
                {
                    return null;
                }
            }
        }

        return node;
    }

    internal sealed class Node
    {
        private Dictionary<string, Node>? _children;

        /// <summary>An opaque marker already removed the lower layers' content here, this layer.</summary>
        public bool Swept { get; set; }

        public Node? Child(string name, bool create)
        {
            if (_children is not null && _children.TryGetValue(name, out var child))
            {
                return child;
            }

            if (!create)
            {
                return null;
            }

            child = new Node();
            (_children ??= new Dictionary<string, Node>(System.StringComparer.Ordinal))[name] = child;
            return child;
        }
    }
}
