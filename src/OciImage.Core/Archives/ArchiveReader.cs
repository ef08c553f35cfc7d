using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Archives;

/// <summary>
/// Reads an unpacked archive as the images it holds, in a layout: an OCI layout (Export-OciImage, skopeo,
/// podman, ctr) as it is, a docker-save folder (manifest.json) converted. Docker 25+ writes both; the index is
/// read when it lists images, else manifest.json.
/// </summary>
internal static class ArchiveReader
{
    /// <summary>containerd's name for an image, used where index.json gives no ref.name.</summary>
    private const string ContainerdImageName = "io.containerd.image.name";

    public static async Task<(string LayoutPath, IReadOnlyList<ArchivedImage> Images)> ReadAsync(string unpacked, string work, string archive, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(unpacked, "oci-layout")) && LayoutImages(unpacked, archive) is { Count: > 0 } images)
        {
            return (unpacked, images);
        }

        if (File.Exists(Path.Combine(unpacked, "manifest.json")))
        {
            var layoutPath = Path.Combine(work, "layout");
            return (layoutPath, await DockerToLayoutAsync(unpacked, layoutPath, archive, cancellationToken).ConfigureAwait(false));
        }

        if (File.Exists(Path.Combine(unpacked, "oci-layout")))
        {
            throw new InvalidArchiveException(archive, "its index.json lists no image and it has no manifest.json");
        }

        throw new InvalidArchiveException(archive, "it has neither oci-layout nor manifest.json");
    }

    /// <summary>The images index.json lists, or null when it lists none (Docker 25+ may write "manifests": null).</summary>
    private static IReadOnlyList<ArchivedImage>? LayoutImages(string folder, string archive)
    {
        var path = Path.Combine(folder, "index.json");
        if (!File.Exists(path))
        {
            return null;
        }

        ShapeError invalid = (reason, inner) => new InvalidArchiveException(archive, "its index.json is not of the spec's shape: " + reason);
        using (var doc = OciJson.Parse(ReadBounded(path, Manifest.MaxSize, archive, "index.json"), invalid))
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw invalid($"$ is {OciJson.KindOf(doc.RootElement)}; an object is needed", null);
            }

            if (!doc.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
        }

        try
        {
            using var layout = OciLayoutStore.Open(folder);
            return layout.ReadIndex().Manifests
                .Where(m => MediaTypes.IsManifest(m.MediaType))
                .GroupBy(m => m.Digest)
                .Select(g => new ArchivedImage(g.First().With(null), g.SelectMany(NamesOf).Distinct().ToList()))
                .ToList();
        }
        catch (OciException ex) when (ex is InvalidLayoutException or InvalidManifestException)
        {
            // In an archive, a broken layout file is a broken archive.
            throw new InvalidArchiveException(archive, ex.Message);
        }
    }

    /// <summary>A file of the unpacked archive, refused when it is larger than any real one.</summary>
    private static byte[] ReadBounded(string path, long limit, string archive, string name) =>
        BoundedRead.File(
            path,
            limit,
            size => new InvalidArchiveException(archive, $"its {name} is over {limit} bytes ({size} or more); it was not read"),
            why => new InvalidArchiveException(archive, $"its {name} cannot be read: {why}"));

    /// <summary>
    /// An entry's names: its ref.name and containerd's image name; Docker 25+ writes both (1.0 and
    /// docker.io/library/app:1.0), and a user may ask for either.
    /// </summary>
    private static IEnumerable<string> NamesOf(Descriptor entry)
    {
        if (entry.RefName is { } refName)
        {
            yield return refName;
        }

        if (entry.Annotations is not null && entry.Annotations.TryGetValue(ContainerdImageName, out var name))
        {
            yield return name;
        }
    }

    /// <summary>A docker-save folder as an OCI layout: each image's config as it is, each layer as the compression its bytes are in, DiffIDs checked.</summary>
    private static async Task<IReadOnlyList<ArchivedImage>> DockerToLayoutAsync(string folder, string layoutPath, string archive, CancellationToken cancellationToken)
    {
        var entries = OciJson.Read<DockerArchiveManifest>(
            ReadBounded(Path.Combine(folder, "manifest.json"), DockerArchiveManifest.MaxSize, archive, "manifest.json"),
            (reason, inner) => new InvalidArchiveException(archive, "its manifest.json is not of docker save's shape: " + reason));

        using var layout = OciLayoutStore.OpenOrCreate(layoutPath);
        var images = new List<ArchivedImage>();
        foreach (var entry in entries)
        {
            var manifest = await ConvertAsync(entry, folder, layout, archive, cancellationToken).ConfigureAwait(false);
            var names = entry!.RepoTags?.Select(n => n!).ToList() ?? new List<string>();
            images.Add(new ArchivedImage(manifest.ToDescriptor(), names));
        }

        if (images.Count == 0)
        {
            throw new InvalidArchiveException(archive, "its manifest.json lists no image");
        }

        return images;
    }

    private static async Task<Manifest> ConvertAsync(DockerArchiveEntry? entry, string folder, OciLayoutStore layout, string archive, CancellationToken cancellationToken)
    {
        // The shape layer has checked the entry: a config name, and layer names that are strings.
        var configName = entry!.Config!;
        var layerNames = entry.Layers?.Select(n => n!).ToList() ?? new List<string>();

        var configBytes = ReadBounded(Inside(folder, configName, archive), Images.ImageReader.MaxConfigSize, archive, "config " + configName);
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(configBytes), Size = configBytes.Length };
        await layout.PutBlobAsync(configDescriptor, new MemoryStream(configBytes), null, cancellationToken).ConfigureAwait(false);

        var diffIds = ImageConfig.Parse(configBytes, $"the config {configName} of {archive}").RootFs.DiffIds;
        if (diffIds.Count != layerNames.Count)
        {
            throw new InvalidArchiveException(archive, $"its manifest.json lists {layerNames.Count} layers but the config {configName} lists {diffIds.Count} DiffIDs");
        }

        var layers = new List<Descriptor>();
        for (var i = 0; i < layerNames.Count; i++)
        {
            // Layer files may be plain or compressed tars whatever their names: label them by their bytes.
            var file = Inside(folder, layerNames[i], archive);
            var descriptor = ArchiveLayer.Describe(file, diffIds[i], $"layer {layerNames[i]} of {archive}");
            await PutLayerAsync(layout, descriptor, file, cancellationToken).ConfigureAwait(false);

            layers.Add(descriptor);
        }

        var manifest = ManifestParser.Create(new ImageManifest { SchemaVersion = 2, DeclaredMediaType = MediaTypes.OciManifest, Config = configDescriptor, Layers = layers });
        await layout.PutChildManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>
    /// The layer file enters the layout as a hard link (its digest was just computed from it), so a docker-save
    /// archive's layers take their space once in the work folder; a copy where the file system cannot link.
    /// </summary>
    private static async Task PutLayerAsync(OciLayoutStore layout, Descriptor descriptor, string file, CancellationToken cancellationToken)
    {
        var blob = layout.BlobPath(descriptor.Digest);
        if (File.Exists(blob))
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        if (HardLink.TryCreate(file, blob))
        {
            return;
        }

        using var stream = File.OpenRead(file);
        await layout.PutBlobAsync(descriptor, stream, null, cancellationToken).ConfigureAwait(false);
    }

    private static string Inside(string folder, string name, string archive)
    {
        if (name.IndexOf('\0') >= 0)
        {
            throw new InvalidArchiveException(archive, "its manifest.json names a file with a NUL character");
        }

        var path = Path.GetFullPath(Path.Combine(folder, name));
        if (!path.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
        {
            throw new InvalidArchiveException(archive, $"its manifest.json names '{name}', which is not in the archive");
        }

        return path;
    }
}
