using System.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// What one layer has written so far, as a tree of names relative to the root (ancestors included), so an opaque
/// marker can tell this layer's entries from the lower layers' in one lookup a child. Each directory node is
/// swept at most once a layer: once swept, everything below it is this layer's, so a later marker for it or an
/// ancestor does not walk it again. Both make opaque markers linear in the entries, whatever their number.
/// The tree is the one <see cref="PathTree{T}"/>; a node's value marks it swept.
/// </summary>
internal sealed class LayerWrites
{
    private readonly PathTree<Sweep> _tree = new();

    /// <summary>Adds a path relative to the root, in the platform's separators.</summary>
    public void Add(string relative) => _tree.Ensure(TreePath(relative));

    /// <summary>The node of a path, or null when this layer wrote nothing there.</summary>
    public PathTree<Sweep>.Node? Find(string relative) => _tree.Find(TreePath(relative));

    /// <summary>True when an opaque marker already removed the lower layers' content here, this layer.</summary>
    public static bool IsSwept(PathTree<Sweep>.Node node) => node.Value is not null;

    public static void MarkSwept(PathTree<Sweep>.Node node) => node.Value = Sweep.Done;

    /// <summary>The tree's '/'-separated form (a name on Windows cannot hold '/', so the swap is exact).</summary>
    private static string TreePath(string relative) =>
        Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');

    internal sealed class Sweep
    {
        public static readonly Sweep Done = new();

        private Sweep()
        {
        }
    }
}
