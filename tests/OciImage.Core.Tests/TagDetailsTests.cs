using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Selection;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.TestKit;
using Xunit;
using OciImage.Core.Layout;

namespace OciImage.Core.Tests;

/// <summary>
/// Tag details for retention on a layout and on the real registry, each field fetched only when asked: the
/// registry's requests are counted through a proxy in front of it.
/// </summary>
public sealed class TagDetailsTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset January = new(2024, 1, 10, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset February = new(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset March = new(2024, 3, 1, 12, 30, 0, TimeSpan.Zero);

    private static StoreContext Context() => new(new RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);

    /// <summary>What the test wrote, to check the details against.</summary>
    private sealed class Written
    {
        public Dictionary<string, Manifest> Tops { get; } = new();

        public Dictionary<string, long> Sizes { get; } = new();

        public Dictionary<string, List<PlatformSize>> PlatformSizes { get; } = new();
    }

    private static async Task<(ImageManifest Manifest, long Size)> PutImageAsync(IImageStore store, string? tag, string architecture, string? created, int seed, string? annotatedCreated = null)
    {
        var layer = new byte[1000 + seed];
        new Random(seed).NextBytes(layer);
        var layerDescriptor = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(layer), Size = layer.Length };
        await store.PutBlobAsync(layerDescriptor, new MemoryStream(layer), null, None);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\"" + (created is null ? string.Empty : ",\"created\":\"" + created + "\"")
            + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDescriptor.Digest + "\"]}}");
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(config), Size = config.Length };
        await store.PutBlobAsync(configDescriptor, new MemoryStream(config), null, None);
        var annotations = annotatedCreated is null ? string.Empty : ",\"annotations\":{\"org.opencontainers.image.created\":\"" + annotatedCreated + "\"}";
        var json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OciConfig + "\",\"digest\":\"" + configDescriptor.Digest
            + "\",\"size\":" + config.Length + "},\"layers\":[{\"mediaType\":\"" + MediaTypes.OciLayer + "\",\"digest\":\"" + layerDescriptor.Digest + "\",\"size\":" + layer.Length + "}]" + annotations + "}";
        var manifest = (ImageManifest)ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest, "test image");
        if (tag is null)
        {
            await store.PutChildManifestAsync(manifest, None);
        }
        else
        {
            await store.PutManifestAsync(manifest, tag, None);
        }

        return (manifest, manifest.Size + config.Length + layer.Length);
    }

    /// <summary>
    /// 1.0: dated image with one referrer; 1.1: config at the epoch, date in the annotation; 2.0: an index of
    /// amd64 (dated) and arm64 and an attestation; undated: no date anywhere.
    /// </summary>
    private static async Task<Written> WriteRepositoryAsync(IImageStore store)
    {
        var written = new Written();
        var (one, oneSize) = await PutImageAsync(store, "1.0", "amd64", January.ToString("o"), 1);
        written.Tops["1.0"] = one;
        written.Sizes["1.0"] = oneSize;
        written.PlatformSizes["1.0"] = new() { new PlatformSize("linux/amd64", one.Digest, oneSize) };

        var (epoch, epochSize) = await PutImageAsync(store, "1.1", "amd64", "1970-01-01T00:00:00Z", 2, February.ToString("o"));
        written.Tops["1.1"] = epoch;
        written.Sizes["1.1"] = epochSize;

        var (amd, amdSize) = await PutImageAsync(store, null, "amd64", March.ToString("o"), 3);
        var (arm, armSize) = await PutImageAsync(store, null, "arm64", "2020-01-01T00:00:00Z", 4);
        var (attestation, attestationSize) = await PutImageAsync(store, null, "unknown", null, 5);
        var index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciIndex + "\",\"manifests\":["
            + Entry(amd, "{\"os\":\"linux\",\"architecture\":\"amd64\"}") + "," + Entry(arm, "{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}") + ","
            + Entry(attestation, "{\"os\":\"unknown\",\"architecture\":\"unknown\"}") + "]}";
        var top = ManifestParser.Parse(Encoding.UTF8.GetBytes(index), MediaTypes.OciIndex, "test index");
        await store.PutManifestAsync(top, "2.0", None);
        written.Tops["2.0"] = top;
        written.Sizes["2.0"] = top.Size + amdSize + armSize + attestationSize;
        written.PlatformSizes["2.0"] = new() { new PlatformSize("linux/amd64", amd.Digest, amdSize), new PlatformSize("linux/arm64/v8", arm.Digest, armSize) };

        var (undated, undatedSize) = await PutImageAsync(store, "undated", "amd64", null, 6);
        written.Tops["undated"] = undated;
        written.Sizes["undated"] = undatedSize;

        // A signature-like artifact that refers to 1.0.
        var empty = Encoding.UTF8.GetBytes("{}");
        var emptyDescriptor = new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = Digest.Compute(empty), Size = 2 };
        await store.PutBlobAsync(emptyDescriptor, new MemoryStream(empty), null, None);
        var referrer = ManifestParser.Parse(Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"artifactType\":\"application/example.signature\","
            + "\"config\":{\"mediaType\":\"" + MediaTypes.OciEmpty + "\",\"digest\":\"" + emptyDescriptor.Digest + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaTypes.OciEmpty + "\",\"digest\":\""
            + emptyDescriptor.Digest + "\",\"size\":2}],\"subject\":{\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"digest\":\"" + one.Digest + "\",\"size\":" + one.Size + "}}"), MediaTypes.OciManifest, "referrer");
        await store.PutChildManifestAsync(referrer, None);
        await Referrers.RecordAsync(store, referrer, None);
        return written;

        static string Entry(Manifest m, string platform) =>
            "{\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"digest\":\"" + m.Digest + "\",\"size\":" + m.Size + ",\"platform\":" + platform + "}";
    }

    private static void AssertAll(Written written, IReadOnlyList<TagDetails> details)
    {
        var byTag = details.ToDictionary(d => d.Tag);
        foreach (var tag in new[] { "1.0", "1.1", "2.0", "undated" })
        {
            var d = byTag[tag];
            Assert.Null(d.Error);
            Assert.Equal(written.Tops[tag].Digest, d.Digest);
            Assert.Equal(written.Tops[tag].MediaType, d.MediaType);
            Assert.Equal(written.Sizes[tag], d.Size);
        }

        Assert.Equal(January, byTag["1.0"].Created);
        Assert.Equal(February, byTag["1.1"].Created); // the config's epoch is no date: the annotation's is taken
        Assert.Equal(March, byTag["2.0"].Created); // an index: its first runnable image's config
        Assert.Null(byTag["undated"].Created);
        Assert.Equal(new[] { "linux/amd64", "linux/arm64/v8" }, byTag["2.0"].Platforms);
        Assert.Equal(new[] { "linux/amd64" }, byTag["1.0"].Platforms);
        Assert.Equal(written.PlatformSizes["2.0"].Select(p => (p.Platform, p.Digest, p.Size)), byTag["2.0"].PlatformSizes!.Select(p => (p.Platform, p.Digest, p.Size)));
        Assert.Equal(written.PlatformSizes["1.0"].Select(p => (p.Platform, p.Digest, p.Size)), byTag["1.0"].PlatformSizes!.Select(p => (p.Platform, p.Digest, p.Size)));
        Assert.Equal(1, byTag["1.0"].ReferrerCount);
        Assert.Equal(0, byTag["2.0"].ReferrerCount);
    }

    [Fact]
    public async Task ALayoutGivesEveryFieldAndOnlyWhatWasAsked()
    {
        using var temp = new TempDirectory();
        Written written;
        using (var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout")))
        {
            written = await WriteRepositoryAsync(store);
        }

        var layout = Reference.ForLayout(temp.Combine("layout"));
        var all = await TagDetailsVerb.GetAsync(layout, null, TagDetailFields.All, Context(), None);
        Assert.Equal(new[] { "1.0", "1.1", "2.0", "undated" }, all.Select(d => d.Tag)); // the layout's order; referrers are not tags
        AssertAll(written, all);

        // Nothing asked: a layout still knows digest and media type for free; nothing else is filled in.
        var bare = await TagDetailsVerb.GetAsync(layout, new[] { "2.0", "1.0" }, TagDetailFields.None, Context(), None, throttle: 1);
        Assert.Equal(new[] { "2.0", "1.0" }, bare.Select(d => d.Tag)); // the order asked
        Assert.Equal(written.Tops["2.0"].Digest, bare[0].Digest);
        Assert.All(bare, d => Assert.True(d.Size is null && d.Created is null && d.Platforms is null && d.ReferrerCount is null));

        // A tag that is not there is that tag's error; the others go on.
        var missing = await TagDetailsVerb.GetAsync(layout, new[] { "gone", "1.0" }, TagDetailFields.Created, Context(), None);
        Assert.Equal("ManifestUnknown", missing[0].Error!.ErrorId);
        Assert.Equal(January, missing[1].Created);

        // The lookup a selection uses: newest by created keeps the dated ones; the undated is kept too as a keep-selection.
        var selection = new TagSelection { Newest = 1, NewestBy = NewestBy.Created };
        var keep = await selection.ApplyAsync(new[] { "1.0", "1.1", "2.0", "undated" }, TagDetailsVerb.CreatedDates(layout, Context()), SelectionUse.Keep, None);
        Assert.Equal(new[] { "1.0", "1.1" }, keep.NotSelectedTags);
        Assert.Equal(new[] { "2.0", "undated" }, keep.SelectedTags);
    }

    [ToolFact("docker-registry")]
    public async Task ARegistryGivesTheSameAndEachFieldCostsWhatItSays()
    {
        using var registry = new RegistryServer();
        var written = await WriteRepositoryAsync(TestClients.Store(registry.Host, "sel/app"));
        var tags = new[] { "1.0", "1.1", "2.0", "undated" };

        using (var proxy = new FaultProxy(registry.Host))
        {
            var all = await TagDetailsVerb.GetAsync(Reference.Parse($"{proxy.Host}/sel/app"), tags, TagDetailFields.All, Context(), None);
            AssertAll(written, all);
        }

        // Digest alone: one HEAD a tag and no GET (Docker Hub does not count HEADs against the pull quota).
        var digests = await CountAsync(registry, tags, TagDetailFields.Digest);
        Assert.Equal(4, digests.Count(l => l.StartsWith("HEAD /v2/sel/app/manifests/", StringComparison.Ordinal)));
        Assert.DoesNotContain(digests, l => l.StartsWith("GET /v2/sel/app/", StringComparison.Ordinal));

        // Created: a manifest GET and a config GET a single image; an index adds its first image's manifest.
        var created = await CountAsync(registry, tags, TagDetailFields.Created);
        Assert.Equal(4 + 1, created.Count(l => l.StartsWith("GET /v2/sel/app/manifests/", StringComparison.Ordinal)));
        Assert.Equal(4, created.Count(l => l.StartsWith("GET /v2/sel/app/blobs/", StringComparison.Ordinal)));
        Assert.DoesNotContain(created, l => l.StartsWith("HEAD ", StringComparison.Ordinal));

        // Manifest: the manifest, an index's three children, a single image's config; never a layer.
        var manifests = await CountAsync(registry, tags, TagDetailFields.Manifest);
        Assert.Equal(4 + 3, manifests.Count(l => l.StartsWith("GET /v2/sel/app/manifests/", StringComparison.Ordinal)));
        Assert.Equal(3, manifests.Count(l => l.StartsWith("GET /v2/sel/app/blobs/", StringComparison.Ordinal)));

        // Manifest and Created together read nothing twice: one more config, the index's first image's.
        var both = await CountAsync(registry, tags, TagDetailFields.Manifest | TagDetailFields.Created);
        Assert.Equal(4 + 3, both.Count(l => l.StartsWith("GET /v2/sel/app/manifests/", StringComparison.Ordinal)));
        Assert.Equal(4, both.Count(l => l.StartsWith("GET /v2/sel/app/blobs/", StringComparison.Ordinal)));

        // Referrers: the HEAD for the digest, then the referrers API (this registry has none: 404) and its fallback tag.
        var referrers = await CountAsync(registry, new[] { "1.0" }, TagDetailFields.Referrers);
        Assert.Equal(new[] { "HEAD /v2/sel/app/manifests/1.0" }, referrers.Where(l => l.StartsWith("HEAD", StringComparison.Ordinal)));
        Assert.Single(referrers, l => l.StartsWith("GET /v2/sel/app/referrers/", StringComparison.Ordinal));
        Assert.Single(referrers, l => l.StartsWith("GET /v2/sel/app/manifests/sha256-", StringComparison.Ordinal));

        // For every tag: the registry said once that it has no referrers API, so it is not asked again, and a
        // fallback tag that is not there is an answer (no referrers), not an error to word with a tag listing.
        var everyReferrer = await CountAsync(registry, tags, TagDetailFields.Referrers);
        Assert.Single(everyReferrer, l => l.StartsWith("GET /v2/sel/app/referrers/", StringComparison.Ordinal));
        Assert.Equal(4, everyReferrer.Count(l => l.StartsWith("GET /v2/sel/app/manifests/sha256-", StringComparison.Ordinal)));
        Assert.DoesNotContain(everyReferrer, l => l.Contains("/tags/list", StringComparison.Ordinal));
    }

    private static async Task<List<string>> CountAsync(RegistryServer registry, string[] tags, TagDetailFields fields)
    {
        using var proxy = new FaultProxy(registry.Host);
        var details = await TagDetailsVerb.GetAsync(Reference.Parse($"{proxy.Host}/sel/app"), tags, fields, Context(), None);
        Assert.All(details, d => Assert.Null(d.Error));
        lock (proxy.Log)
        {
            return proxy.Log.Where(l => !l.StartsWith("GET /v2/ ", StringComparison.Ordinal) && l != "GET /v2/").ToList();
        }
    }
}
