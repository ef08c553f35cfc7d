using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transfer;

namespace OciImage.Core.Images;

/// <summary>
/// Writes a new image into a store: blobs first (new layers from their files, base layers mounted or copied
/// only when the target lacks them), then the config, then the manifest, and the tag last, so a failure
/// never leaves a tag pointing at something incomplete.
/// </summary>
internal static class ImageComposer
{
    /// <param name="child">Writes the manifest as an index's child (untagged, not listed on its own) for the caller to index.</param>
    public static async Task<ImageManifest> ComposeAsync(ComposeRequest request, IImageStore target, string? tag, IEngineLog log, CancellationToken cancellationToken, bool child = false)
    {
        var manifest = request.ArtifactType is not null
            ? await ComposeArtifactAsync(request, target, log, cancellationToken).ConfigureAwait(false)
            : await ComposeImageAsync(request, target, log, cancellationToken).ConfigureAwait(false);
        if (child)
        {
            await target.PutChildManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await target.PutManifestAsync(manifest, tag, cancellationToken).ConfigureAwait(false);
        }

        if (manifest.Subject is not null)
        {
            await Referrers.RecordAsync(target, manifest, cancellationToken).ConfigureAwait(false);
        }

        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>
    /// Rebuilds one image on itself as base, with more layers, config changes and annotation edits, in its own
    /// store (Add-OciLayer, Set-OciImageConfig): under <paramref name="tag"/>, or as an index's child when the tag
    /// is null. The manifest style (OCI or Docker) and the annotations not edited stay the image's.
    /// </summary>
    public static Task<ImageManifest> RebuildAsync(ImageHandle image, ComposeRequest changes, IReadOnlyDictionary<string, string?>? annotationEdits, string? tag, IEngineLog log, CancellationToken cancellationToken)
    {
        var request = new ComposeRequest
        {
            Base = image,
            Layers = changes.Layers,
            Changes = changes.Changes,
            Created = changes.Created,
            History = changes.History,
            Annotations = AnnotationEdit.Apply(image.Manifest.Annotations, annotationEdits),
            Style = image.Manifest.MediaType == MediaTypes.DockerManifest ? MediaTypeStyle.Docker : MediaTypeStyle.Oci,
        };
        return ComposeAsync(request, image.Store, tag, log, cancellationToken, child: tag is null);
    }

    private static async Task<ImageManifest> ComposeImageAsync(ComposeRequest request, IImageStore target, IEngineLog log, CancellationToken cancellationToken)
    {
        var platform = request.Changes.Platform ?? request.Base?.Config.Platform ?? new Platform("linux", "amd64");
        var editor = ConfigEditor.FromBase(request.Base?.Config, platform);
        editor.SetCreated(request.Created);
        editor.Apply(request.Changes);
        if (!request.Changes.IsEmpty && (request.Layers.Count == 0 || request.History is null))
        {
            editor.AddHistory(request.History ?? request.Changes.Describe(), request.Created, null, emptyLayer: true);
        }

        var baseLayers = request.Base?.Manifest.Layers ?? Array.Empty<Descriptor>();
        foreach (var layer in baseLayers)
        {
            await BlobTransfer.EnsureAsync(request.Base!.Store, target, layer, new RetryBudget(), log, null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var layer in request.Layers)
        {
            await PutLayerAsync(layer, target, log, cancellationToken).ConfigureAwait(false);
            editor.AddLayer(layer.DiffId, layer.CreatedBy ?? request.History, request.Created, null);
        }

        if (request.Layers.Count == 0 && request.Changes.IsEmpty && request.History is not null)
        {
            editor.AddHistory(request.History, request.Created, null, emptyLayer: true);
        }

        var configBytes = editor.ToBytes();
        var docker = request.Style == MediaTypeStyle.Docker;
        var config = new Descriptor
        {
            MediaType = docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig,
            Digest = Digest.Compute(configBytes),
            Size = configBytes.Length,
        };
        await target.PutBlobAsync(config, new MemoryStream(configBytes), null, cancellationToken).ConfigureAwait(false);

        var layers = baseLayers.Concat(request.Layers.Select(l => l.Descriptor)).Select(l => Restyle(l, request.Style)).ToList();
        return ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            Config = config,
            Layers = layers,
            Subject = docker ? null : request.Subject,
            Annotations = docker ? null : Nullable(request.Annotations),
        });
    }

    private static async Task<ImageManifest> ComposeArtifactAsync(ComposeRequest request, IImageStore target, IEngineLog log, CancellationToken cancellationToken)
    {
        var empty = EmptyJson.Descriptor;
        await target.PutBlobAsync(empty, new MemoryStream(EmptyJson.Bytes), null, cancellationToken).ConfigureAwait(false);
        foreach (var layer in request.Layers)
        {
            await PutLayerAsync(layer, target, log, cancellationToken).ConfigureAwait(false);
        }

        var layers = request.Layers.Count == 0 ? new List<Descriptor> { empty } : request.Layers.Select(l => l.Descriptor).ToList();
        return ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciManifest,
            ArtifactType = request.ArtifactType,
            Config = empty,
            Layers = layers,
            Subject = request.Subject,
            Annotations = Nullable(request.Annotations),
        });
    }

    private static async Task PutLayerAsync(NewLayer layer, IImageStore target, IEngineLog log, CancellationToken cancellationToken)
    {
        if (await target.HasBlobAsync(layer.Descriptor, cancellationToken).ConfigureAwait(false))
        {
            log.Verbose($"Layer {layer.Descriptor.Digest} is already in {target.Location}.");
            return;
        }

        if (layer.BlobPath is null || !File.Exists(layer.BlobPath))
        {
            throw new BlobUnknownException(layer.BlobPath ?? target.Location.ToString(), layer.Descriptor.Digest) { Target = layer.Descriptor.Digest };
        }

        using var file = new FileStream(layer.BlobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        await target.PutBlobAsync(layer.Descriptor, file, null, cancellationToken).ConfigureAwait(false);
        log.Verbose($"Layer {layer.Descriptor.Digest} written to {target.Location}.");
    }

    /// <summary>Layer media types in the manifest's style; zstd has no Docker form.</summary>
    private static Descriptor Restyle(Descriptor layer, MediaTypeStyle style)
    {
        var mediaType = (style, layer.MediaType) switch
        {
            (MediaTypeStyle.Docker, MediaTypes.OciLayerGzip) => MediaTypes.DockerLayerGzip,
            (MediaTypeStyle.Docker, MediaTypes.OciLayerZstd) => throw new UnsupportedMediaTypeException($"layer {layer.Digest}", layer.MediaType + " (Docker manifests have no zstd layers; use -Compression gzip)"),
            (MediaTypeStyle.Oci, MediaTypes.DockerLayerGzip) => MediaTypes.OciLayerGzip,
            _ => layer.MediaType,
        };
        return mediaType == layer.MediaType ? layer : new Descriptor { MediaType = mediaType, Digest = layer.Digest, Size = layer.Size, Annotations = layer.Annotations, Urls = layer.Urls };
    }

    private static IReadOnlyDictionary<string, string>? Nullable(IReadOnlyDictionary<string, string>? annotations) =>
        annotations is null || annotations.Count == 0 ? null : new SortedDictionary<string, string>(annotations.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
}
