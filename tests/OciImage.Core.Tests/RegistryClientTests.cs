using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>The registry client against the real registry, with a fault proxy in front where a fault is needed.</summary>
public sealed class RegistryClientTests : IClassFixture<RegistryImages>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly RegistryImages _images;

    public RegistryClientTests(RegistryImages images) => _images = images;

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task RetriesFiveHundredsAndHonoursRetryAfter()
    {
        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        proxy.FailNext(2, 500, "/manifests/v1");
        proxy.FailNext(1, 429, "/manifests/v1", retryAfter: "1");
        var log = new RecordingLog();
        var store = Open(proxy.Host, log, new RegistryOptions { RetryInterval = TimeSpan.FromMilliseconds(10) });

        var started = DateTime.UtcNow;
        var manifest = await store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v1"), None);
        Assert.Equal(ReferenceImages.SkopeoDigest(_images.Layout, "v1"), manifest.Digest.ToString());
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9), "Retry-After: 1 was not honoured");
        Assert.Equal(3, log.Messages.Count(m => m.StartsWith("Retrying", StringComparison.Ordinal)));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task GivesUpAfterTheRetriesWithAClearError()
    {
        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        proxy.FailNext(10, 503, "/manifests/");
        var store = Open(proxy.Host, new RecordingLog(), new RegistryOptions { MaximumRetryCount = 2, RetryInterval = TimeSpan.FromMilliseconds(1) });
        var error = await Assert.ThrowsAsync<RegistryErrorException>(() => store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v1"), None));
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(3, proxy.Requests);

        proxy.FailNext(10, 429, "/tags/");
        await Assert.ThrowsAsync<TooManyRequestsException>(async () =>
        {
            await foreach (var _ in store.ListTagsAsync(None))
            {
            }
        });
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task ALyingDockerContentDigestIsRefused()
    {
        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        proxy.RewriteHeader(1, "/manifests/v1", "Docker-Content-Digest", "sha256:" + new string('0', 64));
        var store = Open(proxy.Host, new RecordingLog(), null);
        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v1"), None));
        Assert.Equal("DigestMismatch", error.ErrorId);

        // Asking by digest checks the bytes against the digest asked for, whatever the header says.
        proxy.RewriteHeader(1, "/manifests/sha256", "Docker-Content-Digest", "sha256:" + new string('1', 64));
        var digest = ReferenceImages.SkopeoDigest(_images.Layout, "v2");
        var manifest = await store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app@{digest}"), None);
        Assert.Equal(digest, manifest.Digest.ToString());
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task TagListsFollowLinkPagesAndStopALoop()
    {
        var registry = _images.Registries[RegistryAuth.None];

        // This registry answers in one page; the proxy adds a Link to a second page, which must be followed.
        using (var paging = new FaultProxy(registry.Host))
        {
            paging.RewriteHeader(1, "/tags/list", "Link", "</v2/team/app/tags/list?last=v1&n=1>; rel=\"next\"");
            var client = TestClients.Client(paging.Host, null, new RecordingLog());
            var tags = new List<string>();
            await foreach (var tag in client.PagesAsync("v2/team/app/tags/list?n=1", "repository:team/app:pull", "tags", "tags", None))
            {
                tags.Add(tag);
            }

            Assert.Equal(2, paging.Log.Count(l => l.Contains("/tags/list")));
            Assert.Equal(new[] { "multi", "v1", "v2" }, tags.Distinct().OrderBy(t => t));
        }

        using var proxy = new FaultProxy(registry.Host);
        proxy.RewriteHeader(100, "/tags/list", "Link", "</v2/team/app/tags/list?n=1>; rel=\"next\"");
        var looping = TestClients.Client(proxy.Host, null, new RecordingLog());
        await Assert.ThrowsAsync<RegistryErrorException>(async () =>
        {
            await foreach (var _ in looping.PagesAsync("v2/team/app/tags/list?n=1", "repository:team/app:pull", "tags", "tags", None))
            {
            }
        });
        Assert.True(proxy.Requests < 5);
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task UploadsMonolithicAndChunkedBlobsAndAManifestThatSkopeoReads()
    {
        var registry = _images.Registries[RegistryAuth.Token];
        var credential = new RegistryCredential(RegistryServer.User, RegistryServer.Password);
        foreach (var chunkSize in new long[] { 0, 100_000 })
        {
            var repository = chunkSize == 0 ? "pushed/monolithic" : "pushed/chunked";
            var store = Open(registry.Host, new RecordingLog(), new RegistryOptions { Credential = credential, ChunkSize = chunkSize }, repository);
            using var source = OciLayoutStore.Open(_images.Layout);
            var image = await ImageReader.ResolveImageAsync(source, Reference.ForLayout(_images.Layout, "v1"), null, None);

            // A random 300 kB blob as an extra layer, to cross several chunks.
            var random = new byte[300_000];
            new Random(7).NextBytes(random);
            var extra = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(random), Size = random.Length };
            await store.PutBlobAsync(extra, new MemoryStream(random), null, None);
            Assert.True(await store.HasBlobAsync(extra, None));

            foreach (var blob in image.Image!.Layers.Append(image.Image.Config))
            {
                using var stream = await source.OpenBlobAsync(blob, None);
                await store.PutBlobAsync(blob, stream, null, None);
            }

            await store.PutManifestAsync(image.Manifest, "pushed", None);
            var inspected = ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", "--creds", $"{RegistryServer.User}:{RegistryServer.Password}", $"docker://{registry.Host}/{repository}:pushed");
            Assert.Contains(image.Manifest.Digest.ToString(), inspected);

            // A blob whose bytes do not match is refused and never lands.
            var liar = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(new byte[] { 1, 2, 3 }), Size = random.Length };
            await Assert.ThrowsAsync<DigestMismatchException>(() => store.PutBlobAsync(liar, new MemoryStream(random), null, None));
            Assert.False(await store.HasBlobAsync(liar, None));
        }
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task ReferrersFallBackToTheTagSchema()
    {
        var registry = _images.Registries[RegistryAuth.None];
        var store = Open(registry.Host, new RecordingLog(), null);
        var subject = Digest.Parse(ReferenceImages.SkopeoDigest(_images.Layout, "v1"));
        Assert.Empty(await store.ListReferrersAsync(subject, None));

        // An artifact that refers to v1, listed in the fallback index under the sha256-HEX tag.
        var empty = new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = Digest.Compute(SampleManifests.EmptyConfig), Size = 2 };
        await store.PutBlobAsync(empty, new MemoryStream(SampleManifests.EmptyConfig), null, None);
        var artifact = SampleManifests.Tiny("sbom");
        await store.PutManifestAsync(artifact, null, None);
        var fallback = ManifestParser.Create(new ImageIndex
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciIndex,
            Manifests = new[] { artifact.ToDescriptor() },
        });
        await store.PutManifestAsync(fallback, $"sha256-{subject.Hex}", None);

        var referrers = await store.ListReferrersAsync(subject, None);
        Assert.Equal(artifact.Digest, Assert.Single(referrers).Digest);
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task ABlobDownloadResumesFromAPartialFile()
    {
        var registry = _images.Registries[RegistryAuth.None];
        var store = Open(registry.Host, new RecordingLog(), null);
        var random = new byte[200_000];
        new Random(3).NextBytes(random);
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(random), Size = random.Length };
        await store.PutBlobAsync(blob, new MemoryStream(random), null, None);

        using var temp = new TempDirectory();
        var path = temp.Combine("blob");
        File.WriteAllBytes(Transfer.BlobDownloader.PartialPath(path), random.Take(50_000).ToArray());
        await Transfer.BlobDownloader.SaveAsync(store, blob, path, null, None);
        Assert.Equal(random, File.ReadAllBytes(path));
        Assert.False(File.Exists(Transfer.BlobDownloader.PartialPath(path)));

        // A partial file with wrong bytes fails verification and is removed, leaving no file behind.
        var other = temp.Combine("other");
        File.WriteAllBytes(Transfer.BlobDownloader.PartialPath(other), new byte[50_000]);
        await Assert.ThrowsAsync<DigestMismatchException>(() => Transfer.BlobDownloader.SaveAsync(store, blob, other, null, None));
        Assert.False(File.Exists(other));
        Assert.False(File.Exists(Transfer.BlobDownloader.PartialPath(other)));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task ADroppedDownloadResumesWithRange()
    {
        var registry = _images.Registries[RegistryAuth.None];
        var random = new byte[2_000_000];
        new Random(11).NextBytes(random);
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(random), Size = random.Length };
        await Open(registry.Host, new RecordingLog(), null).PutBlobAsync(blob, new MemoryStream(random), null, None);

        using var proxy = new FaultProxy(registry.Host);
        proxy.DropAfter(1, "/blobs/" + blob.Digest, 700_000);
        var log = new RecordingLog();
        var store = Open(proxy.Host, log, new RegistryOptions { RetryInterval = TimeSpan.FromMilliseconds(10) });
        using var stream = await store.OpenBlobAsync(blob, None);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(random, copy.ToArray());
        Assert.Equal(2, proxy.Log.Count(l => l == "GET /v2/team/app/blobs/" + blob.Digest));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task ABlobThatTricklesIsCutAndResumed()
    {
        var registry = _images.Registries[RegistryAuth.None];
        var random = new byte[1_000_000];
        new Random(12).NextBytes(random);
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(random), Size = random.Length };
        await Open(registry.Host, new RecordingLog(), null).PutBlobAsync(blob, new MemoryStream(random), null, None);

        using var proxy = new FaultProxy(registry.Host);
        proxy.TrickleAfter(1, "/blobs/" + blob.Digest, 300_000, TimeSpan.FromMilliseconds(100));
        var store = Open(proxy.Host, new RecordingLog(), new RegistryOptions { SlowBodyWindow = TimeSpan.FromSeconds(1), SlowBodyMinimumBytes = 64 * 1024 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stream = await store.OpenBlobAsync(blob, None);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(random, copy.ToArray());
        Assert.Equal(2, proxy.Log.Count(l => l == "GET /v2/team/app/blobs/" + blob.Digest));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task AManifestCutOffMidBodyIsFetchedAgainOrFailsAsUnreachable()
    {
        var registry = _images.Registries[RegistryAuth.None];
        using var proxy = new FaultProxy(registry.Host);
        proxy.DropAfter(1, "/manifests/v1", 10);
        var store = Open(proxy.Host, new RecordingLog(), new RegistryOptions { RetryInterval = TimeSpan.FromMilliseconds(10) });
        var manifest = await store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v1"), None);
        Assert.Equal(2, proxy.Log.Count(l => l == "GET /v2/team/app/manifests/v1"));
        Assert.Equal((await Open(registry.Host, new RecordingLog(), null).GetManifestAsync(Reference.Parse($"{registry.Host}/team/app:v1"), None)).Digest, manifest.Digest);

        // With no retry left: the network's failure, never a file system's.
        proxy.DropAfter(1, "/manifests/v1", 10);
        var strict = Open(proxy.Host, new RecordingLog(), new RegistryOptions { MaximumRetryCount = 0 });
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => strict.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v1"), None));
        Assert.Contains("the connection was cut while reading the manifest", error.Message);
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task AManifestThatTricklesFailsWithAClearError()
    {
        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        proxy.TrickleAfter(1, "/manifests/", 10, TimeSpan.FromMilliseconds(300));
        var store = Open(proxy.Host, new RecordingLog(), new RegistryOptions { SlowBodyWindow = TimeSpan.FromSeconds(1), SlowBodyMinimumBytes = 1024 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v1"), None));
        Assert.Equal("RegistryUnreachable", error.ErrorId);
        Assert.Contains("stalled", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task RegistryWarningsAreShownOnce()
    {
        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        proxy.RewriteHeader(2, "/manifests/", "Warning", "299 - \"this repository is deprecated\"");
        var log = new RecordingLog();
        var store = Open(proxy.Host, log, null);
        await store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v1"), None);
        await store.GetManifestAsync(Reference.Parse($"{proxy.Host}/team/app:v2"), None);
        Assert.True(log.Messages.Count(m => m.Contains("this repository is deprecated")) == 1, string.Join("\n", log.Messages));
    }

    private static RegistryStore Open(string host, IEngineLog log, RegistryOptions? options, string repository = "team/app") =>
        TestClients.Store(host, repository, options, log);
}

/// <summary>Keeps what the engine logs, for assertions.</summary>
public sealed class RecordingLog : IEngineLog
{
    public List<string> Messages { get; } = new();

    public void Verbose(string message)
    {
        lock (Messages)
        {
            Messages.Add(message);
        }
    }

    public void Warning(string message) => Verbose("WARNING: " + message);
}
