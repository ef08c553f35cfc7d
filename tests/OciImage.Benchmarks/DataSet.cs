using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// What the scenarios run on, made by the harness itself: a real tree (a Debian root file system from
/// debootstrap where it can, else the installed .NET SDK, or a small generated one with --quick); a 5-layer image of about 500 MB (three directories of the tree and two layers of
/// random, incompressible bytes) and a one-layer image of a 1 GiB random layer, both built in a layout and
/// pushed by skopeo to a loopback source registry; a repository with many tags; a repository to mirror (<see cref="MirrorData"/>); and a destination registry
/// that can be made empty again.
/// </summary>
public sealed class DataSet : IDisposable
{
    private readonly HarnessFolder _temp = new("ocibench");

    private DataSet(bool quick, bool mirrorFull)
    {
        Quick = quick;
        Tree = ChooseTree(quick, _temp);
        Source = new RegistryServer();
        Destination = new RegistryServer();
        BuildImage();
        BuildHugeImage();
        Directory.Delete(_temp.Combine("random"), recursive: true);
        Source.PushWithSkopeo($"oci:{Layout}:big", "big/app:1");
        Source.PushWithSkopeo($"oci:{Layout}:huge", "huge/app:1");
        MakeTags(quick ? 10 : 200);
        Inventory = new InventoryData(Source, "inventory/app", quick ? 20 : 1000, _temp.Combine("inventory-tags.txt"));
        Mirror = new MirrorData(Source, _temp.Combine("mirror-layout"), quick && !mirrorFull ? 20 : 200, quick && !mirrorFull ? 5 : 50);
        ExternalTool.Run("umoci", "init", "--layout", UmociLayout);
        ExternalTool.Run("umoci", "new", "--image", $"{UmociLayout}:base");
    }

    public bool Quick { get; }

    /// <summary>The tree layers are built of (the curves use it too): small with quick, else Debian's or the SDK's.</summary>
    public static string ChooseTree(bool quick, HarnessFolder temp) =>
        quick ? MakeSmallTree(temp.Combine("tree")) : Debootstrap(temp.Combine("rootfs")) ?? FindSdkTree();

    public string Tree { get; }

    public RegistryServer Source { get; }

    public RegistryServer Destination { get; private set; }

    /// <summary>The mirror scenarios' repository (many tags sharing few layers) and their own destination.</summary>
    public MirrorData Mirror { get; }

    /// <summary>The inventory scenario's repository: 1,000 tags as retention meets them (20 with quick data).</summary>
    public InventoryData Inventory { get; }

    public string Layout => _temp.Combine("layout");

    public string UmociLayout => _temp.Combine("umoci");

    public int TagCount { get; private set; }

    public string TagsFile => _temp.Combine("tags.txt");

    public string Scratch(string name) => _temp.Combine("scratch", name);

    /// <param name="mirrorFull">The mirror repository at full size (200 tags, 50 layers) even with quick data.</param>
    public static DataSet Prepare(bool quick, bool mirrorFull = false) => new(quick, mirrorFull);

    /// <summary>A new, empty destination registry, so no run profits from the one before.</summary>
    public void FreshDestination()
    {
        Destination.Dispose();
        Destination = new RegistryServer();
    }

    public void Dispose()
    {
        Source.Dispose();
        Destination.Dispose();
        Mirror.Dispose();
        _temp.Dispose();
    }

    /// <summary>
    /// A minimal Debian root file system (devices, FIFOs, hard links, setuid files: what real layers hold), when
    /// debootstrap is installed and this runs as root; it downloads from the Debian mirror apt uses
    /// (OCIIMAGE_BENCH_MIRROR to change it). Null when it cannot be made, and the SDK directory is used instead.
    /// </summary>
    private static string? Debootstrap(string root)
    {
        if (!ExternalTool.IsInstalled("debootstrap") || Environment.UserName != "root")
        {
            return null;
        }

        var mirror = Environment.GetEnvironmentVariable("OCIIMAGE_BENCH_MIRROR") ?? "http://deb.debian.org/debian";
        var result = ExternalTool.TryRun("debootstrap", "--variant=minbase", "bookworm", root, mirror);
        if (result.ExitCode != 0)
        {
            Console.WriteLine($"debootstrap failed ({result.ExitCode}); using the .NET SDK directory as the tree");
            return null;
        }

        return root;
    }

    private static string FindSdkTree()
    {
        var sdk = Directory.GetDirectories("/usr/share/dotnet/sdk").OrderBy(d => d).LastOrDefault()
            ?? throw new InvalidOperationException("no .NET SDK directory to use as the tree");
        return sdk;
    }

    private static string MakeSmallTree(string root)
    {
        var random = new Random(1);
        for (var d = 0; d < 5; d++)
        {
            var dir = Path.Combine(root, "part" + d);
            Directory.CreateDirectory(dir);
            for (var f = 0; f < 20; f++)
            {
                var text = string.Concat(Enumerable.Range(0, 200).Select(i => random.Next(1000).ToString() + " "));
                File.WriteAllText(Path.Combine(dir, $"file{f}.txt"), text);
            }
        }

        return root;
    }

    /// <summary>Bytes of the 1 GiB layer (tiny with --quick).</summary>
    public long HugeLayerBytes => Quick ? 4 << 20 : 1L << 30;

    /// <summary>
    /// Five layers, tagged big: the three largest directories of the tree (about 110 MB compressed) and two of
    /// random bytes (200 MB each), as real images mix compressible files and already-compressed ones.
    /// </summary>
    private void BuildImage()
    {
        var parts = Directory.GetDirectories(Tree)
            .OrderByDescending(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length))
            .Take(3)
            .Select(d => (Path: d, Destination: "/data/" + Path.GetFileName(d)))
            .Concat(new[] { 1, 2 }.Select(seed => (Path: RandomTree("random" + seed, seed, Quick ? 1 << 20 : 200L << 20), Destination: "/blobs/" + seed)))
            .ToList();
        Compose("big", parts);

        // The same files in zstd layers: analysing a local layout is bound by decompression, gzip or zstd.
        Compose("big-zstd", parts, LayerCompression.Zstd);
    }

    /// <summary>One layer holding one 1 GiB random file, tagged huge: what peak memory is measured on.</summary>
    private void BuildHugeImage() => Compose("huge", new[] { (Path: RandomTree("huge", 3, HugeLayerBytes), Destination: "/huge") });

    private void Compose(string tag, IEnumerable<(string Path, string Destination)> parts, LayerCompression compression = LayerCompression.Gzip)
    {
        var layers = new List<TestImages.Layer>();
        using (var store = OciLayoutStore.OpenOrCreate(Layout))
        {
            foreach (var (path, destination) in parts)
            {
                var built = LayerBuilder.BuildIntoStore(path, new LayerBuildOptions { Destination = destination, Compression = compression }, store, CancellationToken.None);
                layers.Add(new TestImages.Layer(built.Digest.ToString(), built.DiffId.ToString(), built.Size, built.MediaType));
            }
        }

        TestImages.Compose(Layout, tag, layers);
    }

    /// <summary>A directory with one file of seeded random bytes (deleted once the images are built).</summary>
    private string RandomTree(string name, int seed, long bytes)
    {
        var root = _temp.Combine("random", name);
        Directory.CreateDirectory(root);
        var random = new Random(seed);
        var chunk = new byte[1 << 20];
        using var file = File.Create(Path.Combine(root, "data.bin"));
        for (long written = 0; written < bytes; written += chunk.Length)
        {
            random.NextBytes(chunk);
            file.Write(chunk, 0, (int)Math.Min(chunk.Length, bytes - written));
        }

        return root;
    }

    private void MakeTags(int count)
    {
        var reference = Reference.Parse($"{Source.Host}/tags/app:base");
        Source.PushWithSkopeo($"oci:{Layout}:big", "tags/app:base");
        var store = TestClients.Store(Source.Host, "tags/app");
        var manifest = store.GetManifestAsync(reference, CancellationToken.None).GetAwaiter().GetResult();
        var tags = new List<string> { "base" };
        for (var i = 1; i < count; i++)
        {
            store.PutManifestAsync(manifest, "t" + i, CancellationToken.None).GetAwaiter().GetResult();
            tags.Add("t" + i);
        }

        File.WriteAllLines(TagsFile, tags);
        TagCount = tags.Count;
    }
}
