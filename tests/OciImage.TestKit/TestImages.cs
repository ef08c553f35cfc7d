using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// The test kit's one image builder: puts layers that are already in a store (a layout or a registry) into an
/// image (a config with their DiffIDs, a manifest, a tag), the least an image needs, so tests and benchmark data
/// do not depend on the composition cmdlets. Its config and manifest bytes are fixed by what the settings say
/// (tests pin digests of what it writes). Test data only.
/// </summary>
public static class TestImages
{
    public sealed record Layer(string Digest, string DiffId, long Size, string MediaType)
    {
        /// <summary>An uncompressed layer (its DiffID is its digest) the store already holds.</summary>
        public static Layer Uncompressed(Descriptor blob) => new(blob.Digest.ToString(), blob.Digest.ToString(), blob.Size, blob.MediaType);

        public Descriptor ToDescriptor() => new() { MediaType = MediaType, Digest = Core.Digest.Parse(Digest), Size = Size };
    }

    /// <summary>What an image says besides its layers: the config's architecture, created time and labels, the manifest's annotations.</summary>
    public sealed record Settings
    {
        public string Architecture { get; init; } = "amd64";

        /// <summary>The config's created text, written as given (it need not parse); absent when null.</summary>
        public string? Created { get; init; }

        public IReadOnlyDictionary<string, string>? Labels { get; init; }

        public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    }

    /// <summary>Writes the image into a layout under the tag; returns its manifest digest.</summary>
    public static string Compose(string layout, string tag, IReadOnlyList<Layer> layers, string architecture = "amd64") =>
        Compose(layout, tag, layers, new Settings { Architecture = architecture }).Digest.ToString();

    public static Manifest Compose(string layout, string tag, IReadOnlyList<Layer> layers, Settings settings)
    {
        using var store = OciLayoutStore.OpenOrCreate(layout);
        return Push(store, tag, layers, settings);
    }

    /// <summary>Stores the config and the manifest, and tags it when a tag is given.</summary>
    public static Manifest Push(IImageStore store, string? tag, IReadOnlyList<Layer> layers, Settings settings)
    {
        var manifest = Create(store, layers, settings);
        store.PutManifestAsync(manifest, tag, CancellationToken.None).GetAwaiter().GetResult();
        return manifest;
    }

    /// <summary>Stores the config and returns the manifest, not yet stored (an index's platform image, stored as its child).</summary>
    public static Manifest Create(IImageStore store, IReadOnlyList<Layer> layers, Settings settings) =>
        ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciManifest,
            Config = PutBlob(store, Config(layers, settings), MediaTypes.OciConfig),
            Layers = layers.Select(l => l.ToDescriptor()).ToList(),
            Annotations = settings.Annotations,
        });

    /// <summary>The config: created (when given), architecture, os, config (labels), rootfs, in that order.</summary>
    public static byte[] Config(IReadOnlyList<Layer> layers, Settings settings)
    {
        var created = settings.Created is null ? string.Empty : $"\"created\":\"{settings.Created}\",";
        var labels = settings.Labels is null ? string.Empty : "\"Labels\":{" + string.Join(",", settings.Labels.Select(l => $"\"{l.Key}\":\"{l.Value}\"")) + "}";
        var diffIds = string.Join(",", layers.Select(l => "\"" + l.DiffId + "\""));
        return Encoding.UTF8.GetBytes($"{{{created}\"architecture\":\"{settings.Architecture}\",\"os\":\"linux\",\"config\":{{{labels}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
    }

    /// <summary>Stores a blob and describes it.</summary>
    public static Descriptor PutBlob(IImageStore store, byte[] content, string mediaType)
    {
        var descriptor = new Descriptor { MediaType = mediaType, Digest = Core.Digest.Compute(content), Size = content.Length };
        store.PutBlobAsync(descriptor, new MemoryStream(content), null, CancellationToken.None).GetAwaiter().GetResult();
        return descriptor;
    }

    /// <summary>Writes a tar (uncompressed) into the layout as a layer and describes it.</summary>
    public static Layer AddTarLayer(string layout, byte[] tar)
    {
        using var store = OciLayoutStore.OpenOrCreate(layout);
        return Layer.Uncompressed(PutBlob(store, tar, MediaTypes.OciLayer));
    }
}
