using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// The curves of issue 33 item 5 (and the inventory's, issue 30 item 7), in groups that run alone
/// (<c>--curves layer analysis mirror copy inventory</c>); with quick data each is two or four tiny points.
/// Each group prepares its own data, point by point, and removes it before the next.
/// </summary>
public sealed class CurveSets
{
    public static readonly string[] Groups = { "layer", "analysis", "mirror", "copy", "inventory" };

    private const string Tls = "--src-tls-verify=false --dest-tls-verify=false";

    private readonly HarnessFolder _temp;
    private readonly string _self;
    private readonly bool _quick;
    private readonly bool _mirror2000;

    /// <param name="mirror2000">The mirror curve's 2,000-tag point too (preparing it takes about 7 minutes here).</param>
    public CurveSets(HarnessFolder temp, string self, bool quick, bool mirror2000 = false)
    {
        _temp = temp;
        _self = self;
        _quick = quick;
        _mirror2000 = mirror2000;
    }

    public IEnumerable<Curve> Select(IReadOnlyCollection<string> groups)
    {
        var unknown = groups.Except(Groups).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown curve group(s) {string.Join(", ", unknown)}; the groups are {string.Join(", ", Groups)}");
        }

        var all = groups.Count == 0;
        if (all || groups.Contains("layer"))
        {
            yield return LayerBuild();
        }

        if (all || groups.Contains("analysis"))
        {
            yield return Analysis();
        }

        if (all || groups.Contains("mirror"))
        {
            yield return Mirror();
        }

        if (all || groups.Contains("copy"))
        {
            yield return Copy();
        }

        if (all || groups.Contains("inventory"))
        {
            yield return Inventory();
        }
    }

    private string Engine(string args) => $"dotnet \"{_self}\" --run {args}";

    private static void Clear(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>A size as a chart's tick shows it: 4 GiB, 500 MiB, 120 KiB.</summary>
    private static string Size(long bytes) =>
        bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.#} MiB" : $"{bytes / 1024.0:0.#} KiB";

    /// <summary>
    /// Layer build by tree size (a 27th, a 9th, a third and all of the tree) and by cores: each contender on
    /// one core (taskset -c 0; .NET then sees one processor and compresses on one thread) and on two, OciImage also
    /// with the layer builder's chunk parallelism at 1 on two cores (reading and hashing still overlap the compression).
    /// gzip compresses on one thread whatever the cores (tar beside it in the pipe), so it is timed once a point
    /// (about a quarter of a full run's time saved), on two cores.
    /// </summary>
    private Curve LayerBuild()
    {
        var tree = DataSet.ChooseTree(_quick, _temp);
        var two = Environment.ProcessorCount > 2 ? "taskset -c 0-1 " : string.Empty;
        const string One = "taskset -c 0 ";
        IEnumerable<CurvePoint> Points()
        {
            var umoci = _temp.Combine("curve-umoci");
            ExternalTool.Run("umoci", "init", "--layout", umoci);
            ExternalTool.Run("umoci", "new", "--image", $"{umoci}:base");
            var output = _temp.Combine("curve-layer");
            foreach (var share in new[] { 1 / 27.0, 1 / 9.0, 1 / 3.0, 1.0 })
            {
                var slice = share < 1 ? _temp.Combine($"curve-tree-{share:0.000}") : tree;
                var bytes = share < 1 ? TreeSlices.Make(tree, share, slice) : TreeBytes(tree);
                string Tar(string prefix, string gzip) => $"{prefix}bash -c 'tar --sort=name -cf - -C \"{slice}\" . | {gzip} > \"{output}/layer.tar.gz\"'";
                yield return new CurvePoint(bytes / (double)(1L << 20), Size(bytes)) { Reset = () => { Clear(output); Directory.CreateDirectory(output); } }
                    .Ours("OciImage engine, 2 cores", () => two + Engine($"layer \"{slice}\" \"{output}\""))
                    .Ours("OciImage engine, 2 cores, parallelism 1", () => two + Engine($"layer-parallelism 1 \"{slice}\" \"{output}\""))
                    .Peer("umoci insert, 2 cores", "OciImage engine, 2 cores", () => $"{two}umoci insert --image \"{umoci}:base\" --tag next \"{slice}\" /data")
                    .Peer("tar | gzip -6", "OciImage engine, 2 cores", () => Tar(two, "gzip -6"))
                    .Ours("OciImage engine, 1 core", () => One + Engine($"layer \"{slice}\" \"{output}\""))
                    .Peer("umoci insert, 1 core", "OciImage engine, 1 core", () => $"{One}umoci insert --image \"{umoci}:base\" --tag next \"{slice}\" /data");
                if (share < 1)
                {
                    Clear(slice);
                }
            }

            Clear(umoci);
            Clear(output);
        }

        return new Curve("layer-build", "Layer build (tar + gzip) by tree size and cores", "tree size (MiB)", Points);
    }

    private static long TreeBytes(string root) =>
        new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }).Sum(f => f.Length);

    /// <summary>
    /// Measure-OciImage of a one-layer image in a layout by the layer's entry count (10k, 100k, 1M small files),
    /// time and peak memory; peers: decompressing the layer, and listing its entries with tar.
    /// </summary>
    private Curve Analysis()
    {
        IEnumerable<CurvePoint> Points()
        {
            foreach (var entries in _quick ? new[] { 100, 1000 } : new[] { 10_000, 100_000, 1_000_000 })
            {
                var layout = _temp.Combine("curve-entries");
                EntryLayer.Compose(layout, "entries", entries);
                var blob = LayerBlob(layout);
                yield return new CurvePoint(entries, entries >= 1000 ? $"{entries / 1000:#,0}k entries" : $"{entries} entries")
                    .Ours("OciImage engine", () => Engine($"analyse oci:{layout}:entries"))
                    .Peer("gzip -dc", "OciImage engine", () => $"gzip -dc \"{blob}\" > /dev/null")
                    .Peer("tar -tzf", "OciImage engine", () => $"tar -tzf \"{blob}\" > /dev/null");
                Clear(layout);
            }
        }

        return new Curve("analysis", "Analysis of a layout image by the layer's entry count", "entries in the layer", Points) { ChartMemory = true };
    }

    /// <summary>The largest blob of a layout: its one layer.</summary>
    private static string LayerBlob(string layout) =>
        new DirectoryInfo(Path.Combine(layout, "blobs", "sha256")).EnumerateFiles().OrderByDescending(f => f.Length).First().FullName;

    /// <summary>
    /// Sync-OciRepository against skopeo sync by tag count (20, 200, 2,000 tags sharing a quarter as many layers):
    /// into an empty registry, and already up to date. The 2,000-tag point only with --mirror-2000: preparing it
    /// (2,000 images pushed to the source, then mirrored once to fill the destination) takes about 7 minutes
    /// here, more than the rest of the curves' budget allows; and there only up to date is measured (into an
    /// empty registry it would take about 10 minutes a run pair, from 200 tags' 64 s).
    /// </summary>
    private Curve Mirror()
    {
        IEnumerable<CurvePoint> Points()
        {
            foreach (var tags in _quick ? new[] { 10, 20 } : _mirror2000 ? new[] { 20, 200, 2000 } : new[] { 20, 200 })
            {
                using var source = new RegistryServer();
                using var mirror = new MirrorData(source, _temp.Combine("curve-mirror-" + tags), tags, Math.Max(3, tags / 4));
                var repository = MirrorData.Repository;
                string Ours() => Engine($"sync {mirror.SourceHost}/{repository} {mirror.DestinationHost}/{repository}");
                string Skopeo() => $"skopeo sync {Tls} --src docker --dest docker {mirror.SourceHost}/{repository} {mirror.DestinationHost}/mirror > /dev/null";
                var fresh = tags < 2000;
                var point = new CurvePoint(tags, $"{tags:#,0} tags") { Note = fresh ? null : "up to date only: into an empty registry 2,000 tags would take about 10 minutes a run pair" };
                if (fresh)
                {
                    point.Ours("OciImage engine, fresh", Ours, mirror.Fresh).Peer("skopeo sync, fresh", "OciImage engine, fresh", Skopeo, mirror.Fresh);
                }

                point.Ours("OciImage engine, up to date", Ours, mirror.UpToDate).Peer("skopeo sync, up to date", "OciImage engine, up to date", Skopeo, mirror.UpToDate);
                yield return point;
                Clear(_temp.Combine("curve-mirror-" + tags));
            }
        }

        return new Curve("mirror", "Mirror of a repository, registry to registry, by tag count", "tags", Points);
    }

    /// <summary>
    /// Copy of a one-layer image of random bytes by layer size (100 MB to 4 GiB), registry to registry and
    /// registry to layout, time and peak memory (it should not grow with the layer); peer skopeo copy.
    /// </summary>
    private Curve Copy()
    {
        IEnumerable<CurvePoint> Points()
        {
            var sizes = _quick ? new[] { 1L << 20, 4L << 20 } : new[] { 100L << 20, 500L << 20, 1L << 30, 4L << 30 };
            foreach (var size in sizes)
            {
                var layout = _temp.Combine("curve-copy-layout");
                RandomLayer.Compose(layout, "layer", size, seed: (int)(size >> 20));
                using var source = new RegistryServer();
                source.PushWithSkopeo($"oci:{layout}:layer", "copy/app:1");
                Clear(layout);
                var destination = new RegistryServer();
                var pulled = _temp.Combine("curve-copy-pulled");
                void Fresh()
                {
                    destination.Dispose();
                    destination = new RegistryServer();
                    Clear(pulled);
                }

                var from = $"{source.Host}/copy/app:1";
                yield return new CurvePoint(size / (double)(1L << 20), Size(size)) { Reset = Fresh }
                    .Ours("OciImage engine, to registry", () => Engine($"copy {from} {destination.Host}/copy/app:1"))
                    .Peer("skopeo copy, to registry", "OciImage engine, to registry", () => $"skopeo copy --quiet {Tls} docker://{from} docker://{destination.Host}/copy/app:1")
                    .Ours("OciImage engine, to layout", () => Engine($"copy {from} oci:{pulled}:1"))
                    .Peer("skopeo copy, to layout", "OciImage engine, to layout", () => $"skopeo copy --quiet {Tls} docker://{from} oci:{pulled}:1");
                destination.Dispose();
                Clear(pulled);
            }
        }

        return new Curve("copy", "Copy of a one-layer image by layer size", "layer size (MiB)", Points) { ChartMemory = true };
    }

    /// <summary>Get-OciTag -Detail All's engine against a skopeo inspect loop by tag count (200 and 1,000): time and peak memory.</summary>
    private Curve Inventory()
    {
        IEnumerable<CurvePoint> Points()
        {
            foreach (var tags in _quick ? new[] { 20, 50 } : new[] { 200, 1000 })
            {
                using var registry = new RegistryServer();
                var inventory = new InventoryData(registry, "inventory/app", tags, _temp.Combine("curve-inventory-tags.txt"));
                yield return new CurvePoint(tags, $"{tags:#,0} tags")
                    .Ours("OciImage engine", () => Engine($"inventory {inventory.Host}/{inventory.Repository}"))
                    .Peer("skopeo inspect loop", "OciImage engine", () => SkopeoInspectLoop(inventory));
            }
        }

        return new Curve("inventory", "Inventory (Get-OciTag -Detail All) of a repository by tag count", "tags", Points) { ChartMemory = true };
    }

    /// <summary>What a script does without OciImage: skopeo inspect (manifest and config) of each image tag, one after the other.</summary>
    public static string SkopeoInspectLoop(InventoryData inventory) =>
        $"while read t; do skopeo inspect --tls-verify=false docker://{inventory.Host}/{inventory.Repository}:$t > /dev/null || exit 1; done < \"{inventory.TagsFile}\"";
}
