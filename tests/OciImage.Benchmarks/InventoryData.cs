using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// What the inventory scenario (issue 30 item 7) runs on: a repository of <c>tags</c> tags in a loopback registry,
/// as retention meets one. Each image tag names an image of its own (its own config) of three layers out of a
/// small shared set; every tenth is an index of two platforms (linux/amd64, linux/arm64, each its own image);
/// most are dated by their config's <c>created</c>, some only by the <c>org.opencontainers.image.created</c>
/// annotation, some not at all; and a few images have a referrer (a signature-like artifact), recorded as the
/// CNCF registry 2.8 needs it, in a <c>sha256-HEX</c> fallback tag, which counts among the tags.
/// Pushed straight to the registry, 8 requests at once (preparation is not what is timed).
/// </summary>
public sealed class InventoryData
{
    private const int SharedLayers = 20;

    public InventoryData(RegistryServer registry, string repository, int tags, string tagsFile)
    {
        Host = registry.Host;
        Repository = repository;
        Tags = tags;
        Referrers = Math.Max(1, tags / 25);
        ImageTags = tags - Referrers;
        TagsFile = tagsFile;
        Build();
    }

    public string Host { get; }

    public string Repository { get; }

    /// <summary>Every tag the repository lists: <see cref="ImageTags"/> and the referrers' fallback tags.</summary>
    public int Tags { get; }

    public int ImageTags { get; }

    public int Referrers { get; }

    /// <summary>The image tags, one a line, for the skopeo loop (it cannot inspect a fallback tag's artifact index).</summary>
    public string TagsFile { get; }

    public string Description =>
        $"{Tags} tags: {ImageTags} images (every tenth an index of 2 platforms) sharing {SharedLayers} layers, {Referrers} with a referrer (its fallback tag listed too)";

    private void Build()
    {
        var store = TestClients.Store(Host, Repository);
        var layers = Enumerable.Range(0, SharedLayers).Select(i => TestImages.PutBlob(store, LayerTar(i), MediaTypes.OciLayer)).ToList();
        var tags = Enumerable.Range(0, ImageTags).Select(i => "1." + (i / 100) + "." + (i % 100)).ToArray();
        var subjects = new Manifest[ImageTags];
        Parallel.For(0, ImageTags, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var chosen = new[] { layers[i % SharedLayers], layers[(i + 1) % SharedLayers], layers[(i + 2) % SharedLayers] };
            Manifest manifest;
            if (i % 10 == 9)
            {
                var children = new[] { ("amd64", chosen), ("arm64", chosen.Reverse().ToArray()) }
                    .Select(p => (Platform: new Platform("linux", p.Item1), Manifest: Image(store, tags[i], i, p.Item1, p.Item2)))
                    .ToList();
                foreach (var child in children)
                {
                    Wait(store.PutManifestAsync(child.Manifest, null, CancellationToken.None));
                }

                manifest = ManifestParser.Create(new ImageIndex
                {
                    SchemaVersion = 2,
                    DeclaredMediaType = MediaTypes.OciIndex,
                    Manifests = children.Select(c => c.Manifest.ToDescriptor(platform: c.Platform)).ToList(),
                });
            }
            else
            {
                manifest = Image(store, tags[i], i, "amd64", chosen);
            }

            Wait(store.PutManifestAsync(manifest, tags[i], CancellationToken.None));
            subjects[i] = manifest;
        });

        // A signature-like artifact on evenly spread images, recorded in the fallback tag (no referrers API in 2.8).
        var signature = TestImages.PutBlob(store, Encoding.UTF8.GetBytes("{\"critical\":{}}"), "application/vnd.example.signature.v1+json");
        for (var r = 0; r < Referrers; r++)
        {
            var subject = subjects[r * (ImageTags / Referrers)];
            var artifact = ManifestParser.Create(new ImageManifest
            {
                SchemaVersion = 2,
                DeclaredMediaType = MediaTypes.OciManifest,
                ArtifactType = "application/vnd.example.signature.v1+json",
                Config = EmptyJson.Descriptor,
                Layers = new[] { signature },
                Subject = subject.ToDescriptor(),
            });
            Wait(store.PutBlobAsync(EmptyJson.Descriptor, new MemoryStream(EmptyJson.Bytes), null, CancellationToken.None));
            Wait(store.PutManifestAsync(artifact, null, CancellationToken.None));
            Wait(OciImage.Core.Images.Referrers.RecordAsync(store, artifact, CancellationToken.None));
        }

        File.WriteAllLines(TagsFile, tags);
    }

    /// <summary>An image of these layers with a config of its own; dated in the config, by annotation only, or not at all.</summary>
    private static Manifest Image(RegistryStore store, string tag, int i, string architecture, IReadOnlyList<Descriptor> layers)
    {
        var created = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var dating = i % 20 == 7 ? "none" : i % 20 == 13 ? "annotation" : "config";
        return TestImages.Create(store, layers.Select(TestImages.Layer.Uncompressed).ToList(), new TestImages.Settings
        {
            Architecture = architecture,
            Created = dating == "config" ? created : null,
            Labels = new Dictionary<string, string> { ["bench.tag"] = tag },
            Annotations = dating == "annotation" ? new Dictionary<string, string> { ["org.opencontainers.image.created"] = created } : null,
        });
    }

    /// <summary>An uncompressed tar of one file of 32 KiB of seeded random bytes (its digest is its DiffID).</summary>
    private static byte[] LayerTar(int seed)
    {
        var bytes = new byte[32 << 10];
        new Random(seed).NextBytes(bytes);
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"layer{seed}.bin") { DataStream = new MemoryStream(bytes), ModificationTime = DateTimeOffset.UnixEpoch });
        }

        return tar.ToArray();
    }

    private static void Wait(Task task) => task.GetAwaiter().GetResult();
}
