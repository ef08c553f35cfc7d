using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Mirror;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// What the mirror scenarios (issue 29 item 11) run on: a source repository (mirror/app) of many tags, each its own
/// image (a config of its own) of three layers out of a small shared set, so a layer is shared by many tags; ten more
/// images (each with a layer of its own) stored in the same repository by digest only, for tags to be moved onto;
/// and a destination registry of its own that can be made empty, full (up to date) or full with ten tags behind.
/// The data is built in a layout by the engine and pushed by the engine's own sync (it is not what is timed).
/// </summary>
public sealed class MirrorData : IDisposable
{
    public const string Repository = "mirror/app";

    /// <summary>Tags moved in the "moved" scenario.</summary>
    public const int MovedCount = 10;

    private readonly RegistryServer _source;
    private readonly List<(string Tag, Manifest Manifest)> _images = new();
    private readonly List<Manifest> _others = new();

    public MirrorData(RegistryServer source, string layout, int tags, int layers)
    {
        _source = source;
        Tags = tags;
        Layers = layers;
        Destination = new RegistryServer();
        Build(layout);
    }

    public int Tags { get; }

    public int Layers { get; }

    /// <summary>The smoke test's size (quick data without --mirror-full): fewer contenders, requests counted in the timed run.</summary>
    public bool Small => Tags < 200;

    public RegistryServer Destination { get; private set; }

    /// <summary>The counting proxies in use (<see cref="Counted"/>), else null: hosts go through them.</summary>
    private (FaultProxy Source, FaultProxy Destination)? _proxies;

    public string SourceHost => _proxies?.Source.Host ?? _source.Host;

    public string DestinationHost => _proxies?.Destination.Host ?? Destination.Host;

    /// <summary>An empty destination.</summary>
    public void Fresh()
    {
        Destination.Dispose();
        Destination = new RegistryServer();
    }

    /// <summary>Source and destination both name every tag's own image (the destination is filled once, then kept).</summary>
    public void UpToDate()
    {
        var source = TestClients.Store(_source.Host, Repository);
        var destination = TestClients.Store(Destination.Host, Repository);
        if (!HasTags(destination))
        {
            Sync(_source.Host + "/" + Repository, Destination.Host + "/" + Repository);
        }

        // Undo a "moved" run at both ends: the moved tags name their own images again, and the destination holds
        // nothing of the images they were moved onto (their manifests, configs and own layers), so every run of
        // "moved" copies the same.
        foreach (var (tag, manifest) in _images.Take(MovedCount))
        {
            source.PutManifestAsync(manifest, tag, CancellationToken.None).GetAwaiter().GetResult();
            destination.PutManifestAsync(manifest, tag, CancellationToken.None).GetAwaiter().GetResult();
        }

        using var http = new System.Net.Http.HttpClient();
        var shared = new HashSet<Digest>(_images.SelectMany(i => ((ImageManifest)i.Manifest).Layers).Select(l => l.Digest));
        foreach (var other in _others)
        {
            var image = (ImageManifest)other;
            var paths = image.Layers.Where(l => !shared.Contains(l.Digest)).Append(image.Config).Select(b => $"blobs/{b.Digest}").Prepend($"manifests/{other.Digest}");
            foreach (var path in paths)
            {
                using var response = http.DeleteAsync($"http://{Destination.Host}/v2/{Repository}/{path}").GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode && response.StatusCode != System.Net.HttpStatusCode.NotFound)
                {
                    throw new InvalidOperationException($"resetting the mirror destination: DELETE {path} answered {(int)response.StatusCode}");
                }
            }
        }
    }

    /// <summary>Up to date, then ten tags moved at the source, each onto an image the destination does not hold.</summary>
    public void Moved()
    {
        UpToDate();
        var source = TestClients.Store(_source.Host, Repository);
        for (var i = 0; i < MovedCount; i++)
        {
            source.PutManifestAsync(_others[i], _images[i].Tag, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Runs a command once with counting proxies in front of both registries and returns what they saw; tags
    /// left unchanged by the scenario divide the total into requests per unchanged tag.
    /// </summary>
    public (RequestCount Requests, Sample Sample) Counted(Func<string> command, int unchangedTags)
    {
        using var source = new FaultProxy(_source.Host);
        using var destination = new FaultProxy(Destination.Host);
        source.ManifestAccept = destination.ManifestAccept = AllManifestTypes;
        _proxies = (source, destination);
        Sample sample;
        try
        {
            sample = Measurement.Run(command());
        }
        finally
        {
            _proxies = null;
        }

        return (new RequestCount(source.Requests, destination.Requests, Tags, unchangedTags, Kinds(source.Log), Kinds(destination.Log)), sample);
    }

    private static readonly string AllManifestTypes = string.Join(", ", MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList);

    /// <summary>"METHOD /v2/REPO/manifests/REF" and the like, grouped by method and kind (manifests, blobs, tags/list, uploads, ping).</summary>
    private static SortedDictionary<string, int> Kinds(List<string> log)
    {
        List<string> lines;
        lock (log)
        {
            lines = log.ToList();
        }

        static string Kind(string line)
        {
            var parts = line.Split(' ');
            var path = parts[1];
            var kind = path == "/v2/" ? "ping"
                : path.Contains("/blobs/uploads", StringComparison.Ordinal) ? "blobs/uploads"
                : path.Contains("/manifests/", StringComparison.Ordinal) ? "manifests"
                : path.Contains("/blobs/", StringComparison.Ordinal) ? "blobs"
                : path.Contains("/tags/list", StringComparison.Ordinal) ? "tags/list"
                : path.Contains("/referrers/", StringComparison.Ordinal) ? "referrers"
                : "other";
            return parts[0] + " " + kind;
        }

        return new SortedDictionary<string, int>(lines.GroupBy(Kind).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);
    }

    public void Dispose() => Destination.Dispose();

    private static bool HasTags(RegistryStore store)
    {
        try
        {
            return store.ListTagsAsync(CancellationToken.None).ToBlockingList().Count > 0;
        }
        catch (OciImage.Core.Errors.OciException)
        {
            return false;
        }
    }

    /// <summary>
    /// Layers of 64 KiB of seeded random bytes (incompressible: bytes really cross); tag i takes layers i, i+1, i+2
    /// (mod the count) and a config naming it; the other images take a layer of their own over two shared ones.
    /// </summary>
    private void Build(string layout)
    {
        var scratch = Path.Combine(layout + "-trees");
        var shared = Enumerable.Range(0, Layers).Select(i => BuildLayer(layout, scratch, "shared" + i, i)).ToList();
        for (var i = 0; i < Tags; i++)
        {
            var tag = "v" + i;
            _images.Add((tag, Compose(layout, tag, new[] { shared[i % Layers], shared[(i + 1) % Layers], shared[(i + 2) % Layers] })));
        }

        for (var i = 0; i < MovedCount; i++)
        {
            var own = BuildLayer(layout, scratch, "other" + i, 1000 + i);
            _others.Add(Compose(layout, "other" + i, new[] { shared[i % Layers], shared[(i + 3) % Layers], own }));
        }

        Directory.Delete(scratch, recursive: true);

        // The tags by the engine's sync (each blob once); the other images by digest, so no tag names them yet.
        var target = _source.Host + "/" + Repository;
        Sync("oci:" + layout, target, "v*");
        var context = Context();
        foreach (var other in _others)
        {
            var from = Reference.Parse($"oci:{layout}@{other.Digest}");
            var to = Reference.Parse($"{target}@{other.Digest}");
            using var source = ImageStores.OpenForRead(from, context);
            using var destination = ImageStores.OpenRegistry(to, context);
            new OciImage.Core.Copy.ImageCopier(source, destination, new OciImage.Core.Copy.CopyOptions(), NullEngineLog.Instance, null).CopyAsync(from, to, CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    private static StoreContext Context() => new(new RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);

    private static void Sync(string from, string to, string? include = null)
    {
        var context = Context();
        var run = new SyncRun();
        var mapping = new SyncMapping
        {
            Source = Reference.Parse(from),
            Destination = Reference.Parse(to),
            Selection = include is null ? null : new OciImage.Core.Selection.TagSelection { Include = new[] { include } },
        };
        var plan = OciImage.Core.Verbs.SyncVerb.PlanAsync(mapping, run, null, 8, context, context, CancellationToken.None).GetAwaiter().GetResult();
        var summary = OciImage.Core.Verbs.SyncVerb.ApplyAsync(plan, false, run, 8, context, context, _ => { }, CancellationToken.None).GetAwaiter().GetResult();
        if (summary.Failed > 0)
        {
            throw new InvalidOperationException($"preparing the mirror data: {summary.Failed} image(s) failed to copy to {to}");
        }
    }

    private static TestImages.Layer BuildLayer(string layout, string scratch, string name, int seed)
    {
        var tree = Path.Combine(scratch, name);
        Directory.CreateDirectory(tree);
        var bytes = new byte[64 << 10];
        new Random(seed).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(tree, name + ".bin"), bytes);
        using var store = OciLayoutStore.OpenOrCreate(layout);
        var built = LayerBuilder.BuildIntoStore(tree, new LayerBuildOptions { Destination = "/" + name }, store, CancellationToken.None);
        return new TestImages.Layer(built.Digest.ToString(), built.DiffId.ToString(), built.Size, built.MediaType);
    }

    /// <summary>An image of these layers with a config of its own (it names the tag), tagged in the layout.</summary>
    private static Manifest Compose(string layout, string tag, IReadOnlyList<TestImages.Layer> layers) =>
        TestImages.Compose(layout, tag, layers, new TestImages.Settings { Labels = new Dictionary<string, string> { ["bench.tag"] = tag } });
}

/// <summary>Requests one run made, at each end, by kind; and per tag, and per unchanged tag where the scenario leaves tags unchanged.</summary>
public sealed record RequestCount(int Source, int Destination, int Tags, int UnchangedTags, SortedDictionary<string, int> SourceKinds, SortedDictionary<string, int> DestinationKinds)
{
    public int Total => Source + Destination;

    public double PerTag => (double)Total / Tags;

    /// <summary>Tag listings (a page names up to 1000 tags): a cost of the repository, not of each tag.</summary>
    public int Listings => SourceKinds.GetValueOrDefault("GET tags/list") + DestinationKinds.GetValueOrDefault("GET tags/list");

    /// <summary>
    /// Only where every tag is unchanged (the up-to-date scenario): the requests besides the repository's tag
    /// listings, over those tags (what each unchanged tag costs; a ping or token request made per image counts).
    /// </summary>
    public double? PerUnchangedTag => UnchangedTags == Tags && Tags > 0 ? (double)(Total - Listings) / Tags : null;
}
