using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// Checks an image the way crane validate does: every manifest and blob read back and hashed against its
/// descriptor (digest and size), media types known, the config's platform and DiffID count matching the
/// manifest; deep mode also decompresses each layer and compares its DiffID. Problems are collected, not thrown.
/// </summary>
public static class ImageValidator
{
    public static async Task<IReadOnlyList<string>> ValidateAsync(IImageStore store, Reference reference, bool deep, IEngineLog log, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        Manifest top;
        try
        {
            top = await store.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        }
        catch (OciException ex) when (ex is DigestMismatchException or InvalidManifestException or ManifestTooLargeException or UnsupportedMediaTypeException)
        {
            problems.Add(ex.Message);
            return problems;
        }

        await CheckAsync(store, top, null, deep, problems, log, cancellationToken).ConfigureAwait(false);
        return problems;
    }

    private static async Task CheckAsync(IImageStore store, Manifest manifest, Platform? expected, bool deep, List<string> problems, IEngineLog log, CancellationToken cancellationToken)
    {
        if (manifest is ImageIndex index)
        {
            foreach (var entry in index.Manifests)
            {
                if (!MediaTypes.IsManifest(entry.MediaType))
                {
                    problems.Add($"index entry {entry.Digest} has media type {entry.MediaType}, which is not a manifest");
                    continue;
                }

                try
                {
                    var child = await store.GetManifestAsync(entry, cancellationToken).ConfigureAwait(false);
                    await CheckAsync(store, child, entry.Platform, deep, problems, log, cancellationToken).ConfigureAwait(false);
                }
                catch (OciException ex)
                {
                    problems.Add($"manifest {entry.Digest}: {ex.Message}");
                }
            }

            return;
        }

        var image = (ImageManifest)manifest;
        log.Verbose($"Checking image {image.Digest} ({image.Layers.Count} layers).");
        var blobs = new List<Descriptor> { image.Config };
        blobs.AddRange(image.Layers);
        foreach (var blob in blobs)
        {
            await CheckBlobAsync(store, blob, problems, cancellationToken).ConfigureAwait(false);
        }

        if (!MediaTypes.IsImageConfig(image.Config.MediaType))
        {
            return; // an artifact: its config is not an image config
        }

        ImageConfig config;
        try
        {
            config = await ImageReader.GetConfigAsync(store, image, cancellationToken).ConfigureAwait(false);
        }
        catch (OciException ex)
        {
            problems.Add($"config {image.Config.Digest}: {ex.Message}");
            return;
        }

        if (config.RootFs.DiffIds.Count != image.Layers.Count)
        {
            problems.Add($"image {image.Digest} has {image.Layers.Count} layers but its config lists {config.RootFs.DiffIds.Count} DiffIDs");
        }

        if (expected is not null && !expected.Matches(config.Platform))
        {
            problems.Add($"image {image.Digest} is listed as {expected} but its config says {config.Platform}");
        }

        foreach (var layer in image.Layers.Where(l => !IsLayerType(l.MediaType)))
        {
            problems.Add($"layer {layer.Digest} has media type {layer.MediaType}, which is not a layer type");
        }

        if (deep)
        {
            for (var i = 0; i < image.Layers.Count && i < config.RootFs.DiffIds.Count; i++)
            {
                try
                {
                    var blob = await store.OpenBlobAsync(image.Layers[i], cancellationToken).ConfigureAwait(false);
                    using var tar = LayerReader.OpenTar(blob);
                    var (diffId, _) = Digest.Compute(tar);
                    if (diffId != config.RootFs.DiffIds[i])
                    {
                        problems.Add($"layer {i} ({image.Layers[i].Digest}) decompresses to {diffId}, but the config says its DiffID is {config.RootFs.DiffIds[i]}");
                    }
                }
                catch (Exception ex) when (ex is OciException or InvalidDataException or IOException)
                {
                    problems.Add($"layer {i} ({image.Layers[i].Digest}) cannot be decompressed: {ex.Message}");
                }
            }
        }
    }

    private static async Task CheckBlobAsync(IImageStore store, Descriptor blob, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            using var stream = await store.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[81920];
            while (await stream.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (OciException ex)
        {
            problems.Add(ex.Message);
        }
    }

    private static bool IsLayerType(string mediaType) =>
        mediaType.StartsWith("application/vnd.oci.image.layer.", StringComparison.Ordinal)
        || mediaType.StartsWith("application/vnd.docker.image.rootfs.", StringComparison.Ordinal)
        || mediaType == MediaTypes.OciEmpty;
}
