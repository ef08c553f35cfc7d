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
/// manifest, each layer's bytes in the compression its media type names; deep mode also reads each layer's tar
/// entries as Expand-OciImage would (<see cref="LayerTarCheck"/>) and compares its DiffID. Problems are collected, not thrown.
/// </summary>
internal static class ImageValidator
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

        // Each manifest once, however often indexes list it; a child that cannot be read, or nests too deep, is a
        // problem and the walk goes on.
        var below = await ManifestGraph.WalkAsync(
            top,
            (entry, ct) => store.GetManifestAsync(entry, ct),
            (entry, ex) =>
            {
                problems.Add($"manifest {entry.Digest}: {ex.Message}");
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        // The walk reads a digest once, under the first label it met: one digest listed under two media types
        // (an image also called an index) is a problem the copy would meet, so Test says it here.
        var labels = new Dictionary<Digest, string>();
        foreach (var entry in below.Select(n => n.Manifest).Prepend(top).OfType<ImageIndex>().SelectMany(i => i.Manifests))
        {
            if (!labels.TryGetValue(entry.Digest, out var first))
            {
                labels[entry.Digest] = entry.MediaType;
            }
            else if (first != entry.MediaType)
            {
                problems.Add($"manifest {entry.Digest} is listed as {first} and as {entry.MediaType}; it is one of them only");
                labels[entry.Digest] = entry.MediaType;
            }
        }

        var checkedBlobs = new HashSet<Digest>();
        foreach (var (manifest, platform) in below.Select(n => (n.Manifest, n.Entry.Platform)).Prepend((top, null)))
        {
            await CheckAsync(store, manifest, platform, deep, problems, checkedBlobs, log, cancellationToken).ConfigureAwait(false);
        }

        return problems;
    }

    private static async Task CheckAsync(IImageStore store, Manifest manifest, Platform? expected, bool deep, List<string> problems, HashSet<Digest> checkedBlobs, IEngineLog log, CancellationToken cancellationToken)
    {
        if (manifest is ImageIndex index)
        {
            foreach (var entry in index.Manifests.Where(e => !MediaTypes.IsManifest(e.MediaType)))
            {
                problems.Add($"index entry {entry.Digest} has media type {entry.MediaType}, which is not a manifest");
            }

            return;
        }

        var image = (ImageManifest)manifest;
        log.Verbose($"Checking image {image.Digest} ({image.Layers.Count} layers).");
        if (deep)
        {
            ZstdDecoders.Log(log, image.Layers);
        }

        // An artifact's blobs may carry layer media types over any content (ORAS does): only an image's layers
        // must be tars in the compression their media type names.
        var isImage = MediaTypes.IsImageConfig(image.Config.MediaType);
        // A blob shared by several images (a base layer) is read once.
        if (checkedBlobs.Add(image.Config.Digest))
        {
            await CheckBlobAsync(store, image.Config, null, problems, cancellationToken).ConfigureAwait(false);
        }

        for (var i = 0; i < image.Layers.Count; i++)
        {
            if (checkedBlobs.Add(image.Layers[i].Digest))
            {
                await CheckBlobAsync(store, image.Layers[i], isImage ? i : null, problems, cancellationToken).ConfigureAwait(false);
            }
        }

        if (!isImage)
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
                    var what = $"layer {i} ({image.Layers[i].Digest})";
                    var diffId = LayerTarCheck.Read(blob, image.Layers[i].Size, what, cancellationToken);
                    if (diffId != config.RootFs.DiffIds[i])
                    {
                        problems.Add($"layer {i} ({image.Layers[i].Digest}) decompresses to {diffId}, but the config says its DiffID is {config.RootFs.DiffIds[i]}");
                    }
                }
                catch (DigestMismatchException mismatch) when (mismatch.Expected == image.Layers[i].Digest)
                {
                    // The blob check above read the same bytes and reported them: one problem, said once.
                }
                catch (Exception ex) when (ex is OciException || LayerReader.IsCorruption(ex))
                {
                    problems.Add($"layer {i} ({image.Layers[i].Digest}) cannot be read as a tar: {ex.Message}");
                }
            }
        }
    }

    /// <summary>Reads a blob whole through the digest verifier; for an image's layer, also checks that its bytes are in the compression its media type names.</summary>
    private static async Task CheckBlobAsync(IImageStore store, Descriptor blob, int? layerIndex, List<string> problems, CancellationToken cancellationToken)
    {
        try
        {
            using var verified = await store.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
            var (actual, stream) = Compressions.Peek(verified);
            if (layerIndex is { } i && Compressions.OfMediaType(blob.MediaType) is { } declared && declared != actual)
            {
                problems.Add($"layer {i} ({blob.Digest}) is labelled {blob.MediaType} ({Compressions.Name(declared)}), but its bytes are {Compressions.Name(actual)}");
            }
            else if (layerIndex is { } j && Compressions.OfMediaType(blob.MediaType) is null && IsLayerType(blob.MediaType) && blob.MediaType != MediaTypes.OciEmpty)
            {
                // +xz, +bzip2 and the like: no image spec compression, and none this module reads as labelled.
                problems.Add($"layer {j} ({blob.Digest}) is labelled {blob.MediaType}, a compression the image spec does not define (a layer is a tar, plain, gzip or zstd)");
            }

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
