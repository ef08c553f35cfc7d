using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Archives;

/// <summary>
/// Image archives: export writes an OCI layout tar (oci-archive) or a docker-save tar (manifest.json, config,
/// uncompressed layers); import reads either into a temp layout that the copier then moves to the destination.
/// Work happens in temp folders; the archive file appears only when complete.
/// </summary>
public static class ImageArchives
{
    public static async Task<Digest> ExportAsync(IImageStore source, Reference reference, string path, ArchiveFormat format, Platform? platform, string? repoTag, IEngineLog log, CancellationToken cancellationToken)
    {
        var work = TempFolder(path);
        try
        {
            Digest digest;
            if (format == ArchiveFormat.Oci)
            {
                using var layout = OciLayoutStore.OpenOrCreate(work);
                var copier = new ImageCopier(source, layout, new CopyOptions { Platforms = platform is null ? null : new[] { platform } }, log, null);
                var result = await copier.CopyAsync(reference, Reference.ForLayout(work, reference.Tag ?? "latest"), cancellationToken).ConfigureAwait(false);
                digest = result.Digest;
            }
            else
            {
                digest = await WriteDockerFolderAsync(source, reference, work, platform, repoTag, cancellationToken).ConfigureAwait(false);
            }

            TarFolder.Pack(work, path);
            return digest;
        }
        finally
        {
            DeleteFolder(work);
        }
    }

    /// <summary>Reads an archive into a temp layout and copies its image to the destination store.</summary>
    public static async Task<CopyResult> ImportAsync(string path, IImageStore target, Reference destination, IEngineLog log, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundOciException(path);
        }

        var work = TempFolder(path);
        try
        {
            var unpacked = Path.Combine(work, "archive");
            TarFolder.Unpack(path, unpacked);
            string layoutPath;
            string? tag;
            if (File.Exists(Path.Combine(unpacked, "oci-layout")))
            {
                layoutPath = unpacked;
                using var layout = OciLayoutStore.Open(layoutPath);
                tag = layout.ReadIndex().Manifests.Select(m => m.RefName).FirstOrDefault(t => t is not null);
            }
            else if (File.Exists(Path.Combine(unpacked, "manifest.json")))
            {
                layoutPath = Path.Combine(work, "layout");
                tag = await DockerToLayoutAsync(unpacked, layoutPath, path, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new InvalidArchiveException(path, "it has neither oci-layout nor manifest.json");
            }

            using var source = OciLayoutStore.Open(layoutPath);
            var to = destination.Tag is not null || destination.Digest is not null ? destination.WithDigest(null) : destination.WithTag(tag ?? "latest");
            var copier = new ImageCopier(source, target, new CopyOptions(), log, null);
            return await copier.CopyAsync(Reference.ForLayout(layoutPath, tag), to, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            DeleteFolder(work);
        }
    }

    private static async Task<Digest> WriteDockerFolderAsync(IImageStore source, Reference reference, string work, Platform? platform, string? repoTag, CancellationToken cancellationToken)
    {
        var image = await ImageReader.ResolveImageAsync(source, reference, platform, cancellationToken).ConfigureAwait(false);
        var manifest = image.Image!;
        var config = await ImageReader.GetConfigAsync(source, manifest, cancellationToken).ConfigureAwait(false);
        var configName = config.Digest.Hex + ".json";
        File.WriteAllBytes(Path.Combine(work, configName), config.GetRawBytes());

        var layerNames = new List<string>();
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var diffId = i < config.RootFs.DiffIds.Count ? config.RootFs.DiffIds[i] : manifest.Layers[i].Digest;
            var name = diffId.Hex + "/layer.tar";
            Directory.CreateDirectory(Path.Combine(work, diffId.Hex));
            using (var blob = await source.OpenBlobAsync(manifest.Layers[i], cancellationToken).ConfigureAwait(false))
            using (var tar = LayerReader.OpenTar(blob))
            using (var file = new FileStream(Path.Combine(work, name), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await tar.CopyToAsync(file, 81920, cancellationToken).ConfigureAwait(false);
            }

            layerNames.Add(name);
        }

        var tags = new JsonArray();
        if (repoTag is not null)
        {
            tags.Add(repoTag);
        }

        var entry = new JsonObject { ["Config"] = configName, ["RepoTags"] = tags, ["Layers"] = new JsonArray(layerNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()) };
        File.WriteAllText(Path.Combine(work, "manifest.json"), new JsonArray(entry).ToJsonString());
        return manifest.Digest;
    }

    /// <summary>A docker-save folder as an OCI layout: the config as it is, each layer as the compression its bytes are in, DiffIDs checked.</summary>
    private static async Task<string?> DockerToLayoutAsync(string folder, string layoutPath, string archive, CancellationToken cancellationToken)
    {
        JsonNode? first;
        try
        {
            first = (JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json"))) as JsonArray)?.FirstOrDefault();
        }
        catch (JsonException)
        {
            throw new InvalidArchiveException(archive, "its manifest.json is not valid JSON");
        }

        var configName = first?["Config"]?.GetValue<string>() ?? throw new InvalidArchiveException(archive, "its manifest.json names no config");
        var layerNames = (first["Layers"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList() ?? new List<string>();
        var repoTag = (first["RepoTags"] as JsonArray)?.FirstOrDefault()?.GetValue<string>();
        var tag = repoTag is null ? null : repoTag.Substring(repoTag.LastIndexOf(':') + 1);

        using var layout = OciLayoutStore.OpenOrCreate(layoutPath);
        var configBytes = File.ReadAllBytes(Inside(folder, configName, archive));
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
            using (var stream = File.OpenRead(file))
            {
                await layout.PutBlobAsync(descriptor, stream, null, cancellationToken).ConfigureAwait(false);
            }

            layers.Add(descriptor);
        }

        var manifest = ManifestParser.Create(new ImageManifest { SchemaVersion = 2, DeclaredMediaType = MediaTypes.OciManifest, Config = configDescriptor, Layers = layers });
        await layout.PutManifestAsync(manifest, tag, cancellationToken).ConfigureAwait(false);
        return tag;
    }

    private static string Inside(string folder, string name, string archive)
    {
        var path = Path.GetFullPath(Path.Combine(folder, name));
        if (!path.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
        {
            throw new InvalidArchiveException(archive, $"its manifest.json names '{name}', which is not in the archive");
        }

        return path;
    }

    private static string TempFolder(string beside)
    {
        var folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(beside))!, ".ociimage-archive-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
