using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Layers;

namespace OciImage.Core.Analysis;

/// <summary>
/// dive 0.13's efficiency (filetree.Efficiency), fed one layer at a time in order. For each layer, every leaf of
/// its tree (a path with nothing under it in that layer's tar), in dive's order (children first, names in byte
/// order), adds a size to its path:
/// <list type="bullet">
/// <item>an entry: the size in its tar header (a directory, a symlink, a hard link: 0 as tars write them);</item>
/// <item>a whiteout ".wh.NAME": 0 when NAME below was not a directory; when it was, Σ of the sizes of NAME and
/// everything under it in the layers below as dive stacks them (opaque markers ignored);</item>
/// <item>a whiteout of a path the layers below do not have: dive stops reading that layer's tree there (the
/// path counts −1 towards the minimum when no layer saw it before); so does this, with a note.</item>
/// </list>
/// efficiency = Σ over paths of the smallest size seen ÷ Σ over paths of every size seen (1.0 when that is 0);
/// a path seen in two or more layers is an inefficiency, and wasted bytes = Σ of their cumulative sizes.
/// </summary>
internal sealed class DiveEfficiency
{
    private readonly Dictionary<string, PathSizes> _paths = new(System.StringComparer.Ordinal);
    private readonly List<PathSizes> _inefficient = new();
    private readonly List<string> _notes = new();
    private DiveTree? _stacked;
    private int _layers;
    private long _steps;

    /// <summary>Adds the next layer (layers must come in order, from the base up).</summary>
    public void Add(ScannedLayer layer)
    {
        var index = _layers++;
        var tree = DiveTree.FromEntries(layer.Entries);

        // dive looks whiteouts up in StackTreeRange(trees, 0, index - 1): for the first layer that is its own tree.
        var below = _stacked ?? tree;
        foreach (var node in PathTree<DiveTree.Data>.ChildrenFirst(tree.Root))
        {
            if (!node.IsLeaf)
            {
                continue;
            }

            var path = DiveTree.KeyOf(node);
            if (!_paths.TryGetValue(path, out var data))
            {
                data = new PathSizes(path);
                _paths.Add(path, data);
            }

            long size;
            if (DiveTree.IsWhiteout(node))
            {
                var previous = below.GetNode(path);
                if (previous is null)
                {
                    _notes.Add($"layer {index} deletes /{path}, which no layer below holds; as dive does, the rest of that layer's tree is not counted");
                    break;
                }

                size = DiveTree.IsDirectory(previous) ? below.SubtreeSize(previous) : 0;
            }
            else
            {
                size = DiveTree.SizeOf(node);
            }

            data.Cumulative += size;
            if (data.Minimum < 0 || size < data.Minimum)
            {
                data.Minimum = size;
            }

            data.AddLayer(index);
            if (data.LayerCount == 2)
            {
                _inefficient.Add(data);
            }
        }

        if (_stacked is null && !tree.HasWhiteouts)
        {
            // dive stacks the first layer onto a copy of itself, which changes nothing without a whiteout: the
            // tree is kept as it is, rather than held twice.
            _stacked = tree;
            return;
        }

        _stacked ??= tree.Copy();
        _stacked.Stack(tree);
        _steps += tree.Steps;
    }

    /// <summary>Σ of the smallest size seen per path ÷ Σ of every size seen; 1.0 when nothing was seen.</summary>
    public double Efficiency
    {
        get
        {
            long minimum = 0, discovered = 0;
            foreach (var data in _paths.Values)
            {
                minimum += data.Minimum;
                discovered += data.Cumulative;
            }

            return discovered == 0 ? 1.0 : (double)minimum / discovered;
        }
    }

    /// <summary>Σ of the cumulative sizes of the paths seen in two or more layers.</summary>
    public long WastedBytes => _inefficient.Sum(d => d.Cumulative);

    /// <summary>The paths seen in two or more layers, largest cumulative size first (then by path).</summary>
    public IReadOnlyList<Inefficiency> Inefficiencies =>
        _inefficient.OrderByDescending(d => d.Cumulative).ThenBy(d => d.Path, System.StringComparer.Ordinal)
            .Select(d => new Inefficiency("/" + d.Path, d.Layers(), d.Cumulative)).ToList();

    /// <summary>Nodes stepped through on the trees so far: a measure of work for tests, independent of the clock.</summary>
    internal long Steps => _steps + (_stacked?.Steps ?? 0);

    /// <summary>Where dive's definitions gave a figure that needs explaining (a whiteout of nothing).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>What dive sums for a path ("a/b", no leading '/'); most paths are in one layer, so the first takes no list.</summary>
    private sealed class PathSizes
    {
        private int _firstLayer;
        private List<int>? _moreLayers;

        public PathSizes(string path) => Path = path;

        public string Path { get; }

        public long Cumulative { get; set; }

        public long Minimum { get; set; } = -1;

        /// <summary>How many times a layer's tree held the path as a leaf (a layer with both NAME and .wh.NAME twice).</summary>
        public int LayerCount { get; private set; }

        public void AddLayer(int index)
        {
            if (LayerCount++ == 0)
            {
                _firstLayer = index;
            }
            else
            {
                (_moreLayers ??= new List<int>(1)).Add(index);
            }
        }

        public int[] Layers()
        {
            var layers = new int[LayerCount];
            if (LayerCount > 0)
            {
                layers[0] = _firstLayer;
                _moreLayers?.CopyTo(layers, 1);
            }

            return layers;
        }
    }
}
