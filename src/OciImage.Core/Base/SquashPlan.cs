using System;
using System.Collections.Generic;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Layers;

namespace OciImage.Core.Base;

/// <summary>
/// Which entries of a run of layers survive when they become one layer (crane flatten, or only the layers above
/// a base), decided top-down by OCI whiteout rules on paths alone: an entry is dropped when a higher layer
/// decided its path (wrote it, removed it) or hid a parent (a file over a directory, a whiteout, an opaque
/// marker); within a layer the last of two entries for one path wins. Above a base the markers that still hide
/// something of the base are kept (a whiteout under a directory written again above becomes an opaque marker,
/// never a whiteout beside an entry of the same path); over nothing (all layers) markers are dropped. A hard link
/// whose target a higher layer rewrites or removes cannot keep its bytes in one layer and is refused.
/// </summary>
internal sealed class SquashPlan
{
    [Flags]
    private enum Hide
    {
        None = 0,
        Self = 1,
        Below = 2,
    }

    private enum Final
    {
        NonDirectory,
        Directory,
        Removed,
    }

    private readonly Dictionary<string, Hide> _hidden = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Final> _final = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Layer, int Ordinal)> _keptAt = new(StringComparer.Ordinal);
    private readonly HashSet<string> _markers = new(StringComparer.Ordinal);

    private SquashPlan(int layers) => Kept = new HashSet<int>[layers];

    /// <summary>For each layer (0 = the lowest squashed), the ordinals of its entries that go into the squashed layer.</summary>
    public HashSet<int>[] Kept { get; }

    /// <summary>Markers to write first, above a base: directories made opaque and paths whited out ("dir/" ends an opaque one).</summary>
    public SortedSet<string> Whiteouts { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> OpaqueDirectories { get; } = new(StringComparer.Ordinal);

    public int DroppedEntries { get; private set; }

    /// <param name="layers">The layers to squash, lowest first, as the scanner lists them (entry ordinals are the tar's).</param>
    /// <param name="overBase">True when layers stay below (markers that hide their content are kept).</param>
    public static SquashPlan Make(IReadOnlyList<ScannedLayer> layers, bool overBase)
    {
        var plan = new SquashPlan(layers.Count);
        for (var k = layers.Count - 1; k >= 0; k--)
        {
            plan.Kept[k] = plan.Decide(layers[k], k, overBase);
        }

        plan.CheckHardLinks(layers);
        return plan;
    }

    private HashSet<int> Decide(ScannedLayer layer, int k, bool overBase)
    {
        var kept = new HashSet<int>();
        var pending = new List<(string Path, Hide Hide, Final? Final)>();
        var here = new Dictionary<string, Final>(StringComparer.Ordinal);
        var entries = layer.Entries;

        // Entries first (the last of one path wins), then this layer's markers, which see what it writes itself.
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var entry = entries[i];
            var path = Safe(entry.Path, layer);
            if (entry.IsMarker || path.Length == 0)
            {
                continue;
            }

            if (here.ContainsKey(path) || Has(path, Hide.Self) || HiddenByParent(path))
            {
                DroppedEntries++;
                continue;
            }

            kept.Add(i);
            _keptAt[path] = (k, i);
            var directory = entry.Kind == EntryKind.Directory;
            here[path] = directory ? Final.Directory : Final.NonDirectory;
            pending.Add((path, directory ? Hide.Self : Hide.Self | Hide.Below, here[path]));
        }

        foreach (var entry in entries)
        {
            var path = entry.Path;
            if (!entry.IsMarker || path.Length == 0 || HiddenByParent(path))
            {
                continue;
            }

            if (entry.Kind == EntryKind.Whiteout)
            {
                MarkWhiteout(path, overBase, here);
                pending.Add((path, Hide.Self | Hide.Below, Final.Removed));
            }
            else if (!Has(path, Hide.Below))
            {
                if (overBase && !IsRemovedOrFile(path) && _markers.Add(path + "/"))
                {
                    OpaqueDirectories.Add(path);
                }

                pending.Add((path, Hide.Below, null));
            }
        }

        // A layer's markers and entries apply to the layers below it, never to its own entries.
        foreach (var (path, hide, final) in pending)
        {
            _hidden[path] = (_hidden.TryGetValue(path, out var had) ? had : Hide.None) | hide;
            if (final is { } value && !_final.ContainsKey(path))
            {
                _final[path] = value;
            }
        }

        return kept;
    }

    /// <summary>A whiteout that still hides something of the base: as it is, or as an opaque marker where a layer above (or this one) made a directory again.</summary>
    private void MarkWhiteout(string path, bool overBase, Dictionary<string, Final> here)
    {
        if (!overBase)
        {
            return;
        }

        var decided = _final.TryGetValue(path, out var final) || here.TryGetValue(path, out final);
        if (!decided)
        {
            if (_markers.Add(path))
            {
                Whiteouts.Add(path);
            }
        }
        else if (final == Final.Directory && _markers.Add(path + "/"))
        {
            OpaqueDirectories.Add(path);
        }
    }

    private bool IsRemovedOrFile(string path) => _final.TryGetValue(path, out var final) && final != Final.Directory;

    private void CheckHardLinks(IReadOnlyList<ScannedLayer> layers)
    {
        for (var k = 0; k < layers.Count; k++)
        {
            foreach (var i in Kept[k])
            {
                var entry = layers[k].Entries[i];
                if (entry.Kind != EntryKind.HardLink || entry.LinkTarget is null)
                {
                    continue;
                }

                var target = LayerScanner.Clean(entry.LinkTarget);
                var changed = _keptAt.TryGetValue(target, out var at)
                    ? at.Layer > k || (at.Layer == k && at.Ordinal > i)
                    : Has(target, Hide.Self) || HiddenByParent(target);
                if (changed)
                {
                    throw new InvalidLayerException($"layer {layers[k].Index} ({layers[k].Descriptor.Digest})",
                        $"the hard link '{entry.Path}' names '{target}', which a later layer replaces or removes, so one squashed layer cannot keep the link's bytes; squash fewer layers");
                }
            }
        }
    }

    private bool Has(string path, Hide hide) => _hidden.TryGetValue(path, out var had) && (had & hide) != 0;

    private bool HiddenByParent(string path)
    {
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            if (Has(path.Substring(0, slash), Hide.Below))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The squashed layer holds only clean relative names: an entry that climbs out of the root is refused, not carried on.</summary>
    private static string Safe(string path, ScannedLayer layer)
    {
        if (path == ".." || path.StartsWith("../", StringComparison.Ordinal))
        {
            throw new UnsafeLayerEntryException(path, $"it leads out of the image's root (layer {layer.Index}, {layer.Descriptor.Digest})");
        }

        return path;
    }
}
