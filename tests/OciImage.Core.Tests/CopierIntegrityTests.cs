using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A property over the copier: whatever descriptor disagrees with its blob (size or digest; a config, a layer or
/// an index entry; in the source, with the destination empty, half-filled, or already holding the disagreeing
/// blob; single images and indexes; into a real registry and into a layout), the copy fails with DigestMismatch
/// and no tag moves at the destination; only where the destination already holds the true bytes the descriptor
/// names does the copy complete, and then every blob of the image is checked sound. Every combination runs, each
/// with blob contents from its own seed.
/// </summary>
public sealed class CopierIntegrityTests : IClassFixture<CopierIntegrityTests.SharedRegistry>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly SharedRegistry _registry;

    public CopierIntegrityTests(SharedRegistry registry) => _registry = registry;

    public enum Shape
    {
        Image,
        Index,
    }

    public enum Fault
    {
        /// <summary>The config descriptor says one byte more than the blob has (the case found in the field).</summary>
        ConfigSizeLonger,

        /// <summary>A layer descriptor says one byte less than the blob has.</summary>
        LayerSizeShorter,

        /// <summary>A layer blob's bytes were changed, same length: only the digest tells.</summary>
        LayerTampered,

        /// <summary>The config blob was replaced by other bytes of another length.</summary>
        ConfigReplaced,

        /// <summary>The index's entry for a child manifest gives the wrong size.</summary>
        ChildEntrySize,
    }

    public enum Target
    {
        Registry,
        Layout,
    }

    public enum Prefill
    {
        /// <summary>Nothing of the image at the destination.</summary>
        Empty,

        /// <summary>The blobs that are right are there already, as after an interrupted copy.</summary>
        HalfFilled,

        /// <summary>The destination holds the disagreeing blob too (its true bytes, or in a layout its altered file).</summary>
        HoldsTheFault,
    }

    public static IEnumerable<object[]> Cases()
    {
        foreach (var shape in Enum.GetValues<Shape>())
        {
            foreach (var fault in Enum.GetValues<Fault>().Where(f => shape == Shape.Index || f != Fault.ChildEntrySize))
            {
                foreach (var target in Enum.GetValues<Target>())
                {
                    foreach (var prefill in Enum.GetValues<Prefill>())
                    {
                        yield return new object[] { shape, fault, target, prefill };
                    }
                }
            }
        }
    }

    [ToolTheory("docker-registry")]
    [MemberData(nameof(Cases))]
    public async Task NoDisagreeingDescriptorIsCopiedOrTagged(Shape shape, Fault fault, Target target, Prefill prefill)
    {
        var seed = HashCode.Combine(shape, fault, target, prefill) & 0x7fffffff;
        var random = new Random(seed);
        using var temp = new TempDirectory();
        var sourcePath = temp.Combine("source");
        using var source = OciLayoutStore.OpenOrCreate(sourcePath);

        // The image as it should be, then the fault.
        var children = new List<Child>();
        foreach (var arch in shape == Shape.Index ? new[] { "amd64", "arm64" } : new[] { "amd64" })
        {
            children.Add(Child.Create(arch, random));
        }

        var faulty = children[0];
        faulty.Apply(fault, random);
        var manifests = children.Select(c => c.Manifest()).ToList();
        foreach (var child in children)
        {
            await child.WriteBlobsAsync(source, sourcePath);
        }

        Manifest top;
        if (shape == Shape.Image)
        {
            top = manifests[0];
        }
        else
        {
            var entries = manifests.Select((m, i) => new Descriptor
            {
                MediaType = m.MediaType,
                Digest = m.Digest,
                Size = m.GetRawBytes().Length + (i == 0 && fault == Fault.ChildEntrySize ? 1 : 0),
                Platform = Platform.Parse("linux/" + children[i].Architecture),
            }).ToList();
            foreach (var manifest in manifests)
            {
                await source.PutManifestAsync(manifest, null, None);
            }

            top = ManifestParser.Create(new ImageIndex { SchemaVersion = 2, DeclaredMediaType = MediaTypes.OciIndex, Manifests = entries });
        }

        await source.PutManifestAsync(top, "app", None);

        // The destination, with its tag on another, sound image.
        using var destination = OpenTarget(target, temp, seed, out var to);
        var sound = Child.Create("s390x", random);
        var previous = sound.Manifest();
        foreach (var blob in sound.Blobs())
        {
            await destination.PutBlobAsync(blob.Descriptor, new MemoryStream(blob.Bytes), null, None);
        }

        await destination.PutManifestAsync(previous, "t", None);
        await PrefillAsync(destination, target, prefill, children, manifests, fault);
        var before = Snapshot(destination, target);

        var copier = new ImageCopier(source, destination, new CopyOptions(), NullEngineLog.Instance, null);
        if (target == Target.Registry && prefill == Prefill.HoldsTheFault && fault is Fault.LayerTampered or Fault.ConfigReplaced)
        {
            // The registry already holds the true bytes the descriptor names: the altered source blob is never
            // needed, and the image that lands is sound. Every blob it names is checked to be so.
            await copier.CopyAsync(Reference.ForLayout(sourcePath, "app"), to, None);
            Assert.Equal(top.Digest, (await destination.ResolveAsync(to, None)).Digest);
            Assert.Empty(await Images.ImageValidator.ValidateAsync(destination, to, deep: false, NullEngineLog.Instance, None));
            return;
        }

        await Assert.ThrowsAsync<DigestMismatchException>(() => copier.CopyAsync(Reference.ForLayout(sourcePath, "app"), to, None));

        Assert.Equal(previous.Digest, (await destination.ResolveAsync(to, None)).Digest);
        Assert.Equal(before, Snapshot(destination, target));
        Assert.Equal("ManifestUnknown", (await Assert.ThrowsAsync<ManifestUnknownException>(() => destination.ResolveAsync(to.WithTag(null).WithDigest(top.Digest), None))).ErrorId);
    }

    [ToolFact("docker-registry")]
    public async Task AMountIsRefusedWhenTheSourceBlobDisagreesWithItsDescriptor()
    {
        // Within one registry blobs are mounted, not streamed: the source's size is what tells.
        var host = _registry.Server.Host;
        var source = TestClients.Store(host, "mount/source");
        var target = TestClients.Store(host, "mount/target");
        var child = Child.Create("amd64", new Random(11));
        foreach (var blob in child.Blobs())
        {
            await source.PutBlobAsync(blob.Descriptor, new MemoryStream(blob.Bytes), null, None);
        }

        child.Apply(Fault.ConfigSizeLonger, new Random(11));
        var liar = child.Manifest();
        await source.PutManifestAsync(liar, "liar", None); // the CNCF registry checks that blobs exist, not their sizes

        var copier = new ImageCopier(source, target, new CopyOptions(), NullEngineLog.Instance, null);
        await Assert.ThrowsAsync<DigestMismatchException>(() => copier.CopyAsync(Reference.Parse($"{host}/mount/source:liar"), Reference.Parse($"{host}/mount/target:t"), None));
        Assert.Equal("ManifestUnknown", (await Assert.ThrowsAsync<ManifestUnknownException>(() => target.ResolveAsync(Reference.Parse($"{host}/mount/target:t"), None))).ErrorId);
        Assert.False(await target.HasBlobAsync(liar.Config, None));
    }

    private IImageStore OpenTarget(Target target, TempDirectory temp, int seed, out Reference to)
    {
        if (target == Target.Layout)
        {
            var path = temp.Combine("destination");
            to = Reference.ForLayout(path, "t");
            return OciLayoutStore.OpenOrCreate(path);
        }

        var repository = $"integrity/c{seed}";
        to = Reference.Parse($"{_registry.Server.Host}/{repository}:t");
        return TestClients.Store(_registry.Server.Host, repository);
    }

    /// <summary>What the destination says of its tags: index.json's bytes for a layout, the tag list and what "t" names for a registry.</summary>
    private static string Snapshot(IImageStore store, Target target)
    {
        if (store is OciLayoutStore layout)
        {
            return File.ReadAllText(Path.Combine(layout.Root, "index.json"));
        }

        var tags = store.ListTagsAsync(None).ToBlockingEnumerable().ToList();
        var digest = store.ResolveAsync(store.Location.WithTag("t"), None).GetAwaiter().GetResult().Digest;
        return string.Join(",", tags) + " " + digest;
    }

    private static async Task PrefillAsync(IImageStore destination, Target target, Prefill prefill, List<Child> children, List<ImageManifest> manifests, Fault fault)
    {
        if (prefill == Prefill.Empty)
        {
            return;
        }

        // Half-filled: every sound blob but one layer per image, as an interrupted copy leaves it.
        foreach (var child in children)
        {
            foreach (var blob in child.Blobs().Where(b => !b.Faulty).Skip(1))
            {
                await destination.PutBlobAsync(blob.Descriptor, new MemoryStream(blob.Bytes), null, None);
            }
        }

        if (prefill != Prefill.HoldsTheFault)
        {
            return;
        }

        if (fault == Fault.ChildEntrySize)
        {
            foreach (var blob in children[0].Blobs())
            {
                await destination.PutBlobAsync(blob.Descriptor, new MemoryStream(blob.Bytes), null, None);
            }

            await destination.PutManifestAsync(manifests[0], null, None);
            return;
        }

        var faulty = children[0].Blobs().Single(b => b.Faulty);
        if (target == Target.Layout && faulty.Altered is not null)
        {
            // A layout's file can be altered behind its back: the same wrong bytes as the source's.
            var path = Path.Combine(((OciLayoutStore)destination).Root, "blobs", "sha256", faulty.Descriptor.Digest.Hex);
            File.WriteAllBytes(path, faulty.Altered);
            return;
        }

        // The blob's true bytes under its digest (a registry keeps nothing else): the descriptor still disagrees.
        await destination.PutBlobAsync(new Descriptor { MediaType = faulty.Descriptor.MediaType, Digest = faulty.Descriptor.Digest, Size = faulty.Bytes.Length }, new MemoryStream(faulty.Bytes), null, None);
    }

    /// <summary>One image of the test: a config and two layers of random bytes, and which of its descriptors lies.</summary>
    private sealed class Child
    {
        private readonly List<Blob> _layers = new();
        private Blob _config = null!;

        public string Architecture { get; private set; } = string.Empty;

        public static Child Create(string architecture, Random random)
        {
            var child = new Child { Architecture = architecture };
            for (var i = 0; i < 2; i++)
            {
                var bytes = new byte[random.Next(100, 5000)];
                random.NextBytes(bytes);
                child._layers.Add(new Blob(MediaTypes.OciLayer, bytes));
            }

            var diffIds = string.Join(",", child._layers.Select(l => $"\"{l.Descriptor.Digest}\""));
            child._config = new Blob(MediaTypes.OciConfig, Encoding.UTF8.GetBytes($"{{\"architecture\":\"{architecture}\",\"os\":\"linux\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}"));
            return child;
        }

        public IEnumerable<Blob> Blobs() => _layers.Prepend(_config);

        public void Apply(Fault fault, Random random)
        {
            switch (fault)
            {
                case Fault.ConfigSizeLonger:
                    _config.Claim(_config.Bytes.Length + 1);
                    break;
                case Fault.LayerSizeShorter:
                    _layers[0].Claim(_layers[0].Bytes.Length - 1);
                    break;
                case Fault.LayerTampered:
                    var changed = (byte[])_layers[1].Bytes.Clone();
                    changed[random.Next(changed.Length)] ^= 0x5a;
                    _layers[1].Alter(changed);
                    break;
                case Fault.ConfigReplaced:
                    _config.Alter(Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"));
                    break;
            }
        }

        public ImageManifest Manifest() => ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciManifest,
            Config = _config.Descriptor,
            Layers = _layers.Select(l => l.Descriptor).ToList(),
        });

        /// <summary>Writes the blobs into a source layout as they are on disk: the true bytes, then any alteration over the file.</summary>
        public async Task WriteBlobsAsync(OciLayoutStore store, string root)
        {
            foreach (var blob in Blobs())
            {
                await store.PutBlobAsync(new Descriptor { MediaType = blob.Descriptor.MediaType, Digest = blob.Descriptor.Digest, Size = blob.Bytes.Length }, new MemoryStream(blob.Bytes), null, None);
                if (blob.Altered is not null)
                {
                    File.WriteAllBytes(Path.Combine(root, "blobs", "sha256", blob.Descriptor.Digest.Hex), blob.Altered);
                }
            }
        }
    }

    private sealed class Blob(string mediaType, byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        /// <summary>What is on disk instead of <see cref="Bytes"/>, when the blob was altered.</summary>
        public byte[]? Altered { get; private set; }

        public bool Faulty { get; private set; }

        public Descriptor Descriptor { get; private set; } = new() { MediaType = mediaType, Digest = Digest.Compute(bytes), Size = bytes.Length };

        public void Claim(long size)
        {
            Descriptor = new Descriptor { MediaType = Descriptor.MediaType, Digest = Descriptor.Digest, Size = size };
            Faulty = true;
        }

        public void Alter(byte[] onDisk)
        {
            Altered = onDisk;
            Faulty = true;
        }
    }

    /// <summary>One registry for every case (each case has its own repository).</summary>
    public sealed class SharedRegistry : IDisposable
    {
        private readonly Lazy<RegistryServer> _server = new(() => new RegistryServer());

        public RegistryServer Server => _server.Value;

        public void Dispose()
        {
            if (_server.IsValueCreated)
            {
                _server.Value.Dispose();
            }
        }
    }
}
