using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The copier and the composer against stores in memory: what moves, in what order, and what a store is asked
/// to do, without a registry process (the integration tests keep the CNCF registry as the referee).
/// </summary>
public sealed class CopierUnitTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AnImageMovesBlobsFirstThenItsManifestUnderTheTagThenTheCommit()
    {
        var source = new MemoryStore("team/app");
        var image = await PutImageAsync(source, "amd64", "v1", "one", "two");
        var target = new MemoryStore("mirror/app");

        var result = await Copier(source, target).CopyAsync(source.Location.WithTag("v1"), target.Location.WithTag("v1"), None);

        Assert.Equal(image.Digest, result.Digest);
        Assert.Equal(3, result.BlobsCopied);
        var writes = target.Writes.ToList();
        Assert.Equal(new[] { "blob", "blob", "blob", "manifest", "commit" }, writes.Select(w => w.Split(' ')[0]));
        Assert.Equal($"manifest {image.Digest} v1", writes[3]);
        Assert.Equal(new List<string> { "linux/amd64" }, result.Platforms);
    }

    [Fact]
    public async Task ACopyAlreadyCompleteWritesNothingAndOneCopierServesSeveralCopies()
    {
        var source = new MemoryStore("team/app");
        await PutImageAsync(source, "amd64", "v1", "one");
        await PutImageAsync(source, "arm64", "v2", "two");
        var target = new MemoryStore("mirror/app");
        var copier = Copier(source, target);
        var first = await copier.CopyAsync(source.Location.WithTag("v1"), target.Location.WithTag("v1"), None);
        var writes = target.Writes.Count;

        var again = await copier.CopyAsync(source.Location.WithTag("v1"), target.Location.WithTag("v1"), None);
        Assert.Equal(0, again.BlobsCopied + again.BlobsSkipped + again.ManifestsCopied);
        Assert.Equal(writes + 1, target.Writes.Count); // the commit only

        // Each copy keeps its own counts: the second image is not told about the first's blobs.
        var other = await copier.CopyAsync(source.Location.WithTag("v2"), target.Location.WithTag("v2"), None);
        Assert.Equal(2, other.BlobsCopied);
        Assert.Equal(2, first.BlobsCopied);
    }

    [Fact]
    public async Task APlatformFilterWritesASmallerIndexAndSaysTheDigestChanges()
    {
        var source = new MemoryStore("team/app");
        var amd = await PutImageAsync(source, "amd64", null, "amd");
        var arm = await PutImageAsync(source, "arm64", null, "arm");
        var index = await PutIndexAsync(source, "multi", amd, arm);
        var target = new MemoryStore("mirror/app");
        var log = new RecordingLog();

        var result = await new ImageCopier(source, target, new CopyOptions { Platforms = new[] { Platform.Parse("linux/arm64") } }, log, null)
            .CopyAsync(source.Location.WithTag("multi"), target.Location.WithTag("multi"), None);

        Assert.NotEqual(index.Digest, result.Digest);
        Assert.Equal(index.Digest, result.SourceDigest);
        Assert.Equal(new List<string> { "linux/arm64" }, result.Platforms);
        Assert.Contains(log.Messages, m => m.StartsWith("WARNING: The destination digest will differ", StringComparison.Ordinal));
        var written = (ImageIndex)await target.GetManifestAsync(target.Location.WithTag("multi"), None);
        Assert.Equal(arm.Digest, Assert.Single(written.Manifests).Digest);
        await Assert.ThrowsAsync<DigestWouldChangeException>(() =>
            new ImageCopier(source, new MemoryStore(), new CopyOptions { Platforms = new[] { Platform.Parse("linux/arm64") }, RequireSameDigest = true }, log, null)
                .CopyAsync(source.Location.WithTag("multi"), target.Location.WithTag("x"), None));
    }

    [Fact]
    public async Task AnIndexWhoseSourceLacksAPlatformCopiesWhatIsThereAndNamesTheRest()
    {
        var source = new MemoryStore("team/app");
        var amd = await PutImageAsync(source, "amd64", null, "amd");
        var arm = await PutImageAsync(source, "arm64", null, "arm");
        await PutIndexAsync(source, "multi", amd, arm);
        await source.DeleteManifestAsync(arm.Digest, None); // as ctr images export leaves a platform out
        var target = new MemoryStore("mirror/app");
        var log = new RecordingLog();

        var result = await new ImageCopier(source, target, new CopyOptions(), log, null).CopyAsync(source.Location.WithTag("multi"), target.Location.WithTag("multi"), None);

        Assert.Equal(new List<string> { "linux/amd64" }, result.Platforms);
        Assert.Contains(log.Messages, m => m.Contains("linux/arm64", StringComparison.Ordinal) && m.Contains("partial export", StringComparison.Ordinal));
        var platform = await Assert.ThrowsAsync<PlatformNotFoundException>(() =>
            new ImageCopier(source, new MemoryStore(), new CopyOptions { Platforms = new[] { Platform.Parse("linux/arm64") } }, log, null)
                .CopyAsync(source.Location.WithTag("multi"), target.Location.WithTag("arm"), None));
        Assert.Contains("partial export", platform.Message);
    }

    [Fact]
    public async Task ATamperedSourceBlobIsDigestMismatchAndNeitherTheTagNorTheCommitHappen()
    {
        var source = new MemoryStore("team/app");
        var image = await PutImageAsync(source, "amd64", "v1", "layer bytes");
        source.Tamper(image.Layers[0].Digest, Encoding.UTF8.GetBytes("LAYER BYTES"));
        var target = new MemoryStore("mirror/app");

        await Assert.ThrowsAsync<DigestMismatchException>(() => Copier(source, target).CopyAsync(source.Location.WithTag("v1"), target.Location.WithTag("v1"), None));
        Assert.DoesNotContain(target.Writes, w => w.StartsWith("manifest", StringComparison.Ordinal));
        Assert.Equal(0, target.Commits);
    }

    [Fact]
    public async Task AComposedImageListsItsLayersDiffIdsAndHistoryAndIsCommitted()
    {
        var target = new MemoryStore("team/built", refusesIncompleteManifests: false);
        var layer = target.Seed(Encoding.UTF8.GetBytes("not really a tar"), MediaTypes.OciLayer);
        var manifest = await ImageComposer.ComposeAsync(new ComposeRequest
        {
            Layers = new[] { new NewLayer(layer, layer.Digest, "COPY . /app", null) },
            Changes = new ConfigChanges { Entrypoint = new[] { "/app/run" }, Platform = Platform.Parse("linux/arm64") },
            Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
        }, target, "1.0", NullEngineLog.Instance, None);

        var config = await ImageReader.GetConfigAsync(target, manifest, None);
        Assert.Equal(layer.Digest, Assert.Single(config.RootFs.DiffIds));
        Assert.Equal("linux/arm64", config.Platform.ToString());
        // One entry for the layer, one (empty_layer) for the metadata change, as docker build writes them.
        Assert.Equal(new[] { ("ENTRYPOINT [\"/app/run\"]", true), ("COPY . /app", false) }, config.History.Select(h => (h.CreatedBy, h.EmptyLayer == true)));
        Assert.Equal(manifest.Digest, (await target.ResolveAsync(target.Location.WithTag("1.0"), None)).Digest);
        Assert.Equal("commit", target.Writes.Last());
    }

    private static ImageCopier Copier(MemoryStore source, MemoryStore target) =>
        new(source, target, new CopyOptions(), NullEngineLog.Instance, null);

    /// <summary>An image of layers with the given contents and a config for the architecture; tagged when a tag is given.</summary>
    private static async Task<ImageManifest> PutImageAsync(MemoryStore store, string architecture, string? tag, params string[] layerContents)
    {
        var layers = layerContents.Select(c => store.Seed(Encoding.UTF8.GetBytes(c), MediaTypes.OciLayer)).ToList();
        var diffIds = string.Join(",", layers.Select(l => $"\"{l.Digest}\""));
        var config = store.Seed(Encoding.UTF8.GetBytes($"{{\"architecture\":\"{architecture}\",\"os\":\"linux\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}"), MediaTypes.OciConfig);
        var manifest = ManifestParser.Create(new ImageManifest { SchemaVersion = 2, DeclaredMediaType = MediaTypes.OciManifest, Config = config, Layers = layers });
        await store.PutManifestAsync(manifest, tag, None);
        return manifest;
    }

    private static async Task<ImageIndex> PutIndexAsync(MemoryStore store, string tag, params ImageManifest[] images)
    {
        var entries = new List<Descriptor>();
        foreach (var image in images)
        {
            var config = await ImageReader.GetConfigAsync(store, image, None);
            entries.Add(image.ToDescriptor(platform: config.Platform));
        }

        var index = ManifestParser.Create(new ImageIndex { SchemaVersion = 2, DeclaredMediaType = MediaTypes.OciIndex, Manifests = entries });
        await store.PutManifestAsync(index, tag, None);
        return index;
    }
}
