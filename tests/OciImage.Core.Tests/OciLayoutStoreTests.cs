using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.IO;
using OciImage.Core.Errors;
using OciImage.Core.Copy;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

public class OciLayoutStoreTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task WritesAndReadsBackManifestsAndTags()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        await PutEmptyBlob(store);
        var first = SampleManifests.Tiny("one");
        var second = SampleManifests.Tiny("two");
        await store.PutManifestAsync(first, "v1", None);
        await store.PutManifestAsync(second, "v2", None);
        await store.PutManifestAsync(second, "latest", None);

        Assert.Equal(new[] { "v1", "v2", "latest" }, await ToList(store.ListTagsAsync(None)));
        var resolved = await ImageReader.ResolveAsync(store, Reference.ForLayout(store.Root, "v2"), null, None);
        Assert.Equal(second.Digest, resolved.Manifest.Digest);
        Assert.Equal(second.GetRawBytes(), resolved.Manifest.GetRawBytes());

        // Moving a tag leaves one entry per tag.
        await store.PutManifestAsync(first, "latest", None);
        var entries = store.ReadIndex().Manifests;
        Assert.Single(entries, e => e.RefName == "latest");
        Assert.Equal(first.Digest, entries.Single(e => e.RefName == "latest").Digest);

        Assert.True(await store.UntagAsync("v1", None));
        Assert.False(await store.UntagAsync("v1", None));
        await Assert.ThrowsAsync<ManifestUnknownException>(() => store.ResolveAsync(Reference.ForLayout(store.Root, "v1"), None));
    }

    [Fact]
    public async Task ABlobThatDoesNotMatchItsDigestIsNeverKept()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        var content = Encoding.UTF8.GetBytes("real content");
        var claimed = new Descriptor { MediaType = "application/octet-stream", Digest = Digest.Compute(Encoding.UTF8.GetBytes("other")), Size = content.Length };

        await Assert.ThrowsAsync<DigestMismatchException>(() => store.PutBlobAsync(claimed, new MemoryStream(content), null, None));
        Assert.False(await store.HasBlobAsync(claimed, None));
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")));

        var tooLong = new Descriptor { MediaType = "application/octet-stream", Digest = Digest.Compute(content), Size = 3 };
        await Assert.ThrowsAsync<DigestMismatchException>(() => store.PutBlobAsync(tooLong, new MemoryStream(content), null, None));
        Assert.Empty(Directory.GetFiles(Path.Combine(store.Root, "blobs", "sha256")));
    }

    [Fact]
    public async Task ABlobStreamedFromAnotherStoreIsHashedOnceAndATamperedOneIsStillRefused()
    {
        using var temp = new TempDirectory();
        using var source = OciLayoutStore.OpenOrCreate(temp.Combine("source"));
        using var target = OciLayoutStore.OpenOrCreate(temp.Combine("target"));
        var content = Encoding.UTF8.GetBytes("layer bytes");
        var blob = new Descriptor { MediaType = "application/octet-stream", Digest = Digest.Compute(content), Size = content.Length };
        await source.PutBlobAsync(blob, new MemoryStream(content), null, None);

        // A store's blob stream already verifies: the target reuses it instead of hashing the bytes again.
        using (var stream = await source.OpenBlobAsync(blob, None))
        {
            var verifying = Assert.IsType<VerifyingStream>(stream);
            Assert.Same(verifying, VerifyingStream.Over(verifying, blob, "t"));
            Assert.NotSame(verifying, VerifyingStream.Over(verifying, new Descriptor { MediaType = blob.MediaType, Digest = blob.Digest, Size = blob.Size + 1 }, "t"));
        }

        // Tampered in the source: the one verifier still refuses it and the target keeps nothing.
        File.WriteAllBytes(Path.Combine(source.Root, "blobs", "sha256", blob.Digest.Hex), Encoding.UTF8.GetBytes("LAYER bytes"));
        using (var stream = await source.OpenBlobAsync(blob, None))
        {
            await Assert.ThrowsAsync<DigestMismatchException>(() => target.PutBlobAsync(blob, stream, null, None));
        }

        Assert.False(await target.HasBlobAsync(blob, None));
        Assert.Empty(Directory.GetFiles(Path.Combine(target.Root, "blobs", "sha256")));
    }

    [Fact]
    public async Task ReadingATamperedBlobFailsAtItsEnd()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        var content = Encoding.UTF8.GetBytes("layer bytes");
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(content), Size = content.Length };
        await store.PutBlobAsync(descriptor, new MemoryStream(content), null, None);
        File.WriteAllText(store.BlobPath(descriptor.Digest), "LAYER BYTES");

        using var stream = await store.OpenBlobAsync(descriptor, None);
        Assert.Throws<DigestMismatchException>(() => stream.CopyTo(Stream.Null));
    }

    [Fact]
    public async Task EntriesItDoesNotUnderstandAreKept()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("layout");
        using (OciLayoutStore.OpenOrCreate(root))
        {
        }

        File.WriteAllText(Path.Combine(root, "index.json"), """
            {"schemaVersion":2,"manifests":[
              {"mediaType":"application/vnd.example.thing","digest":"sha384:0000","size":1,"annotations":{"x":"y"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824","size":5,"future":{"a":1}}
            ],"annotations":{"org.example":"kept"}}
            """);
        using var store = OciLayoutStore.Open(root);
        await PutEmptyBlob(store);
        await store.PutManifestAsync(SampleManifests.Tiny("new"), "new", None);

        var text = File.ReadAllText(Path.Combine(root, "index.json"));
        Assert.Contains("sha384:0000", text);
        Assert.Contains("\"future\":{\"a\":1}", text);
        Assert.Contains("\"org.example\":\"kept\"", text);
        Assert.Equal(3, store.ReadIndex().EntryCount);
    }

    [Fact]
    public async Task ConcurrentWritersInOneProcessLoseNoEntry()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("layout");
        using (var store = OciLayoutStore.OpenOrCreate(root))
        {
            await PutEmptyBlob(store);
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            using var store = OciLayoutStore.Open(root);
            for (var i = 0; i < 15; i++)
            {
                await store.PutManifestAsync(SampleManifests.Tiny($"w{writer}-{i}"), $"w{writer}-{i}", None);
            }
        })));

        using var check = OciLayoutStore.Open(root);
        Assert.Equal(120, (await ToList(check.ListTagsAsync(None))).Count);
        AssertNoTempFiles(root);
    }

    [Fact]
    public async Task TwoWriterProcessesLoseNoEntry()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("layout");
        using (var store = OciLayoutStore.OpenOrCreate(root))
        {
            await PutEmptyBlob(store);
        }

        var writers = new[] { "left", "right" }.Select(prefix => StartWriter(root, prefix, 60)).ToList();
        foreach (var writer in writers)
        {
            Assert.True(writer.WaitForExit(120_000), "a writer process hung");
            Assert.True(writer.ExitCode == 0, writer.StandardError.ReadToEnd());
        }

        using var check = OciLayoutStore.Open(root);
        var tags = await ToList(check.ListTagsAsync(None));
        Assert.Equal(120, tags.Count);
        Assert.Equal(60, tags.Count(t => t.StartsWith("left-", StringComparison.Ordinal)));
        AssertNoTempFiles(root);
    }

    [Fact]
    public void OpeningWhatIsNotALayoutSaysSo()
    {
        using var temp = new TempDirectory();
        Assert.Equal("LayoutNotFound", Assert.Throws<LayoutNotFoundException>(() => OciLayoutStore.Open(temp.Combine("missing"))).ErrorId);
        Assert.Throws<LayoutNotFoundException>(() => OciLayoutStore.Open(temp.Path));
        File.WriteAllText(temp.Combine("stray.txt"), "x");
        Assert.Throws<LayoutNotFoundException>(() => OciLayoutStore.OpenOrCreate(temp.Path));
    }

    [ToolFact("skopeo", "umoci")]
    public async Task WhatWeWriteSkopeoAndUmociRead()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("umoci");
        ReferenceImages.BuildWithUmoci(source, "app", "amd64", new Dictionary<string, string> { ["a.txt"] = "a" });

        // Copy blob by blob through the store API into a layout we write.
        var target = temp.Combine("ours");
        using (var from = OciLayoutStore.Open(source))
        using (var to = OciLayoutStore.OpenOrCreate(target))
        {
            var image = await ImageReader.ResolveImageAsync(from, Reference.ForLayout(source, "app"), null, None);
            foreach (var blob in image.Image!.Layers.Append(image.Image.Config))
            {
                using var stream = await from.OpenBlobAsync(blob, None);
                await to.PutBlobAsync(blob, stream, null, None);
            }

            await to.PutManifestAsync(image.Manifest, "copied", None);
        }

        Assert.Equal(ReferenceImages.SkopeoDigest(source, "app"), ReferenceImages.SkopeoDigest(target, "copied"));
        var stat = ExternalTool.Run("umoci", "stat", "--image", $"{target}:copied", "--json");
        Assert.Contains("COPY app /app", stat);
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{target}:copied", temp.Combine("bundle"));
        Assert.Equal("a", File.ReadAllText(temp.Combine("bundle", "rootfs", "app", "a.txt")));
    }

    [SchemaFact]
    public async Task IndexAndLayoutFileValidateAgainstTheOciSchemas()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        await PutEmptyBlob(store);
        var manifest = SampleManifests.Tiny("schema");
        await store.PutManifestAsync(manifest, "v1", None);

        Assert.Empty(await SchemaValidator.ValidateAsync(SchemaValidator.Index, File.ReadAllText(Path.Combine(store.Root, "index.json"))));
        Assert.Empty(await SchemaValidator.ValidateAsync(SchemaValidator.Layout, File.ReadAllText(Path.Combine(store.Root, "oci-layout"))));
        Assert.Empty(await SchemaValidator.ValidateAsync(SchemaValidator.Manifest, Encoding.UTF8.GetString(manifest.GetRawBytes())));

        // The validator is not a rubber stamp.
        Assert.NotEmpty(await SchemaValidator.ValidateAsync(SchemaValidator.Index, """{"schemaVersion":2,"manifests":[{"digest":"nope"}]}"""));
    }

    private static async Task PutEmptyBlob(OciLayoutStore store)
    {
        var descriptor = new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = Digest.Compute(SampleManifests.EmptyConfig), Size = 2 };
        await store.PutBlobAsync(descriptor, new MemoryStream(SampleManifests.EmptyConfig), null, None);
    }

    private static Process StartWriter(string root, string prefix, int count)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "OciImage.TestKit.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "exec", program, "tag-layout", root, prefix, count.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static void AssertNoTempFiles(string root) =>
        Assert.Empty(Directory.GetFiles(root, "*.tmp-*", SearchOption.AllDirectories));

    private static async Task<List<string>> ToList(IAsyncEnumerable<string> items)
    {
        var list = new List<string>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}

/// <summary>A copy killed with SIGKILL half way leaves a layout that the next copy completes.</summary>
public class KilledCopyTests
{
    [Fact]
    public void TheNextCopyCompletesWhatAKilledOneLeft()
    {
        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(tree);
        var random = new Random(9);
        for (var i = 0; i < 4; i++)
        {
            var bytes = new byte[24 * 1024 * 1024];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(tree, $"part{i}.bin"), bytes);
        }

        var source = temp.Combine("source");
        var layers = new List<TestImages.Layer>();
        using (var store = OciLayoutStore.OpenOrCreate(source))
        {
            foreach (var part in Directory.GetFiles(tree))
            {
                var single = temp.Combine("single-" + Path.GetFileNameWithoutExtension(part));
                Directory.CreateDirectory(single);
                File.Copy(part, Path.Combine(single, Path.GetFileName(part)));
                var built = LayerBuilder.BuildIntoStore(single, new LayerBuildOptions { Compression = LayerCompression.None }, store, CancellationToken.None);
                layers.Add(new TestImages.Layer(built.Digest.ToString(), built.DiffId.ToString(), built.Size, built.MediaType));
            }
        }

        TestImages.Compose(source, "big", layers);
        var destination = temp.Combine("destination");
        var program = Path.Combine(AppContext.BaseDirectory, "OciImage.TestKit.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true };
        foreach (var arg in new[] { "exec", program, "copy", $"oci:{source}:big", $"oci:{destination}:big" })
        {
            info.ArgumentList.Add(arg);
        }

        int killed;
        using (var copy = Process.Start(info)!)
        {
            killed = copy.Id;
            // Kill it once it has written some of the blobs.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !copy.HasExited)
            {
                var blobs = Path.Combine(destination, "blobs", "sha256");
                if (Directory.Exists(blobs) && Directory.GetFiles(blobs).Length >= 2)
                {
                    break;
                }

                Thread.Sleep(5);
            }

            Assert.False(copy.HasExited, "the copy finished before it could be killed; make the image bigger");
            copy.Kill();
            copy.WaitForExit();
        }

        // Nothing is tagged yet, and what is there is whole or hidden as a temp file. So that the sweep is always
        // seen at work, whatever moment the kill came, the killed process also "left" the temp file of a blob the
        // next copy writes (named as its own would be), beside any it really left.
        using (var half = OciLayoutStore.Open(destination))
        {
            Assert.Empty(half.ReadIndex().Manifests);
        }

        var blobsDir = Path.Combine(destination, "blobs", "sha256");
        var missing = layers.Select(l => l.Digest.Substring(7)).FirstOrDefault(hex => !File.Exists(Path.Combine(blobsDir, hex)));
        Assert.True(missing is not null, "the killed copy had written every layer; make the image bigger");
        File.WriteAllText(Path.Combine(blobsDir, $".{missing}.tmp-{killed}-{Guid.NewGuid():N}"), "half a blob");
        Assert.NotEmpty(Directory.GetFiles(destination, "*.tmp-*", SearchOption.AllDirectories));

        using (var from = OciLayoutStore.Open(source))
        using (var to = OciLayoutStore.Open(destination))
        {
            new ImageCopier(from, to, new CopyOptions(), NullEngineLog.Instance, null).CopyAsync(Reference.ForLayout(source, "big"), Reference.ForLayout(destination, "big"), CancellationToken.None).GetAwaiter().GetResult();
            Assert.Empty(ImageValidator.ValidateAsync(to, Reference.ForLayout(destination, "big"), deep: true, NullEngineLog.Instance, CancellationToken.None).GetAwaiter().GetResult());
        }

        // No stray temp file is left: the next writer of each blob removed what the killed one left. Whatever its
        // name, nothing but the layout's own files remains: oci-layout, index.json, the writers' lock file (kept:
        // removing it would race another writer's lock), and one blob for each layer, the config and the manifest.
        Assert.Empty(Directory.GetFiles(destination, "*.tmp-*", SearchOption.AllDirectories));
        var files = Directory.GetFiles(destination, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(destination, f)).OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "index.json", OciLayoutStore.LockFileName, "oci-layout" }, files.Where(f => !f.StartsWith("blobs", StringComparison.Ordinal)));
        var blobFiles = files.Where(f => f.StartsWith("blobs", StringComparison.Ordinal)).ToList();
        Assert.Equal(layers.Count + 2, blobFiles.Count);
        Assert.All(blobFiles, f => Assert.Matches("^blobs/sha256/[0-9a-f]{64}$", f));
        Assert.Subset(blobFiles.ToHashSet(), layers.Select(l => "blobs/sha256/" + l.Digest.Substring(7)).ToHashSet());
    }

    [Fact]
    public async Task OnlyTempFilesOfDeadWritersAreSwept()
    {
        using var temp = new TempDirectory();
        using var store = OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        var bytes = Encoding.UTF8.GetBytes("a blob");
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(bytes), Size = bytes.Length };
        var dir = Path.GetDirectoryName(store.BlobPath(descriptor.Digest))!;
        Directory.CreateDirectory(dir);
        var dead = Path.Combine(dir, $".{descriptor.Digest.Hex}.tmp-{int.MaxValue - 1}-{Guid.NewGuid():N}");
        var live = Path.Combine(dir, $".{descriptor.Digest.Hex}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var foreign = Path.Combine(dir, $".{descriptor.Digest.Hex}.tmp-123");
        var other = Path.Combine(dir, $".{new string('0', 64)}.tmp-{int.MaxValue - 1}-{Guid.NewGuid():N}");
        foreach (var path in new[] { dead, live, foreign, other })
        {
            File.WriteAllText(path, "half");
        }

        await store.PutBlobAsync(descriptor, new MemoryStream(bytes), null, CancellationToken.None);
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live) && File.Exists(foreign) && File.Exists(other));
    }
}
