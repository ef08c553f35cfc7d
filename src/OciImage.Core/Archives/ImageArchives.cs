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
/// uncompressed layers); import reads either (see <see cref="ArchiveReader"/>) into a temp layout that the copier then
/// moves to the destination.
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

            // The layout's lock file is how this process kept other writers out, not part of the image.
            TarFolder.Pack(work, path, name => name == OciLayoutStore.LockFileName);
            return digest;
        }
        finally
        {
            DeleteFolder(work);
        }
    }

    /// <summary>
    /// Reads an archive and copies every image it holds (or those whose names match <paramref name="names"/>)
    /// to the destination, each under its own tag; refuses before writing anything when two would land on one
    /// tag. Work files go beside the destination (the system's temp folder for a registry), never beside the
    /// archive, which may be on read-only media.
    /// </summary>
    public static async Task<IReadOnlyList<CopyResult>> ImportAsync(string path, IImageStore target, Reference destination, IReadOnlyList<string>? names, CopyOptions options, IEngineLog log, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundOciException(path);
        }

        var work = TempFolder(destination.IsLayout ? Path.GetFullPath(destination.LayoutPath!) : Path.Combine(Path.GetTempPath(), "archive"));
        try
        {
            var unpacked = Path.Combine(work, "archive");
            TarFolder.Unpack(path, unpacked);
            var (layoutPath, images) = await ArchiveReader.ReadAsync(unpacked, work, path, cancellationToken).ConfigureAwait(false);
            var plan = ImportPlan.Make(path, images, names, destination);
            using var source = OciLayoutStore.Open(layoutPath);
            var results = new List<CopyResult>();
            foreach (var (image, to) in plan)
            {
                var copier = new ImageCopier(source, target, options, log, null);
                results.Add(await copier.CopyAsync(Reference.ForLayout(layoutPath, digest: image.Manifest.Digest), to, cancellationToken).ConfigureAwait(false));
            }

            return results;
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
