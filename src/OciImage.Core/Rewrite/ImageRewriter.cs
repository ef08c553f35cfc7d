using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transfer;

namespace OciImage.Core.Rewrite;

/// <summary>
/// Writes a changed copy of an image, or of every image of an index, from one store into another (or the same):
/// layers removed and rewritten (<see cref="LayerRewriter"/>), the config's DiffIDs, history and times made to
/// match, the manifest rewritten. Index children that are not images to run (signatures, attestations,
/// unknown/unknown entries) are written as they were and named in the result. Blobs first, then child manifests,
/// then the top manifest with the tag last: a failure leaves no tag on anything incomplete.
/// </summary>
internal sealed class ImageRewriter
{
    private const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
    private readonly IImageStore _source;
    private readonly IImageStore _target;
    private readonly RewriteOptions _options;
    private readonly IEngineLog _log;
    private readonly TarRules _rules;
    private readonly LayerTarget _layerTarget;
    private readonly List<ImageRewrite> _images = new();
    private readonly List<string> _left = new();

    public ImageRewriter(IImageStore source, IImageStore target, RewriteOptions options, IEngineLog log)
    {
        _source = source;
        _target = target;
        _options = options;
        _log = log;
        _rules = TarRules.From(options.RemovePaths, options.Timestamp);
        _layerTarget = new LayerTarget(options.Compression, options.CompressionLevel, options.Parallelism);
    }

    public async Task<RewriteResult> RewriteAsync(Reference from, Reference to, CancellationToken cancellationToken)
    {
        if (_options.Compression == LayerCompression.None && !_options.CompressionLevel.Equals(LayerCompressionLevel.Optimal))
        {
            throw new UnknownCompressionLevelException(_options.CompressionLevel.ToString(), "an uncompressed layer has no compression level.");
        }

        if (_options.Timestamp is { } time && (time.ToUnixTimeSeconds() < 0 || time.ToUnixTimeSeconds() > TarTimes.MaxSeconds))
        {
            throw new InvalidTimestampException(time.ToString("o", System.Globalization.CultureInfo.InvariantCulture), "layer entry times run from 1970 to 2242 in a tar header");
        }

        var top = await _source.GetManifestAsync(from, cancellationToken).ConfigureAwait(false);
        var written = await RewriteManifestAsync(top, null, 0, cancellationToken).ConfigureAwait(false);
        if (_options.RecordSourceDigest && written.Digest != top.Digest && written.MediaType is MediaTypes.OciManifest or MediaTypes.OciIndex)
        {
            written = Copy.SourceRecord.With(written, top.Digest);
        }
        foreach (var pattern in (_options.RemovePaths ?? Array.Empty<string>()).Select(p => new Analysis.PathFilter(p).Pattern).Where(p => !_rules.Matched.Contains(p)).Distinct())
        {
            _log.Warning($"-RemovePath '{pattern}' matched nothing in {from}.");
        }

        await PutAsync(written, to.Tag, cancellationToken).ConfigureAwait(false);
        await _target.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new RewriteResult
        {
            Source = from.WithDigest(top.Digest),
            Destination = to.WithDigest(written.Digest),
            SourceDigest = top.Digest,
            Digest = written.Digest,
            Images = _images,
            LeftAsTheyWere = _left,
        };
    }

    private async Task<Manifest> RewriteManifestAsync(Manifest manifest, Descriptor? entry, int depth, CancellationToken cancellationToken)
    {
        switch (manifest)
        {
            case ImageManifest image when MediaTypes.IsImageConfig(image.Config.MediaType) && entry?.Platform?.OS != "unknown":
                return await RewriteImageAsync(image, entry?.Platform, cancellationToken).ConfigureAwait(false);
            case ImageIndex index:
                if (depth >= ManifestGraph.MaxIndexDepth)
                {
                    throw new IndexTooDeepException(_source.Location.ToString(), ManifestGraph.MaxIndexDepth);
                }

                return await RewriteIndexAsync(index, depth, cancellationToken).ConfigureAwait(false);
            default:
                // An artifact (signature, attestation, SBOM): its blobs travel as they are. An attestation still
                // describes the image it was made for, not the rewritten one.
                _left.Add(manifest.Digest.ToString());
                _log.Warning($"{manifest.Digest} ({entry?.Platform?.ToString() ?? manifest.ArtifactType ?? "an artifact"}) is not an image to run: left as it was.");
                foreach (var blob in (manifest as ImageManifest)?.Layers.Prepend(((ImageManifest)manifest).Config) ?? Enumerable.Empty<Descriptor>())
                {
                    await BlobTransfer.EnsureAsync(_source, _target, blob, new RetryBudget(), _log, null, cancellationToken).ConfigureAwait(false);
                }

                return manifest;
        }
    }

    private async Task<ImageIndex> RewriteIndexAsync(ImageIndex index, int depth, CancellationToken cancellationToken)
    {
        var entries = new List<Descriptor>();
        var anyZstd = false;
        foreach (var entry in index.Manifests)
        {
            if (!MediaTypes.IsManifest(entry.MediaType))
            {
                entries.Add(entry);
                continue;
            }

            var child = await _source.GetManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            var written = await RewriteManifestAsync(child, entry, depth + 1, cancellationToken).ConfigureAwait(false);
            await PutAsync(written, null, cancellationToken, asChild: true).ConfigureAwait(false);
            anyZstd |= written.MediaType == MediaTypes.OciManifest && written is ImageManifest { } w && w.Layers.Any(l => l.MediaType == MediaTypes.OciLayerZstd);
            entries.Add(new Descriptor
            {
                MediaType = written.MediaType,
                ArtifactType = entry.ArtifactType,
                Digest = written.Digest,
                Size = written.Size,
                Annotations = entry.Annotations,
                Platform = entry.Platform,
                Urls = entry.Urls,
            });
        }

        if (entries.Select((e, i) => e.Digest == index.Manifests[i].Digest).All(same => same))
        {
            return index; // no child changed: the index stays as it is
        }

        // A Docker list cannot hold an OCI manifest (zstd layers made one): the list becomes an OCI index.
        var docker = index.MediaType == MediaTypes.DockerManifestList && !anyZstd;
        return ManifestParser.Create(new ImageIndex
        {
            SchemaVersion = 2,
            DeclaredMediaType = docker ? MediaTypes.DockerManifestList : MediaTypes.OciIndex,
            ArtifactType = index.ArtifactType,
            Manifests = entries,
            Annotations = index.Annotations,
            Subject = index.Subject,
        });
    }

    private async Task<ImageManifest> RewriteImageAsync(ImageManifest image, Platform? platform, CancellationToken cancellationToken)
    {
        var config = await ImageReader.GetConfigAsync(_source, image, cancellationToken).ConfigureAwait(false);
        var what = $"image {image.Digest}";
        var edit = new ConfigRewrite(config);
        var removed = LayersToRemove(image, config, edit, what);
        var changes = new List<string>();
        var diffIds = config.RootFs.DiffIds;
        var layers = new List<Descriptor>();
        var newDiffIds = new List<Digest>();
        var paths = new List<string>();
        int rewritten = 0, kept = 0, retimed = 0;
        var staging = (_target as ILocalBlobs)?.StagingFolder ?? Path.GetTempPath();
        for (var i = 0; i < image.Layers.Count; i++)
        {
            var layer = image.Layers[i];
            Digest? diffId = i < diffIds.Count ? diffIds[i] : null;
            if (removed.Contains(i))
            {
                changes.Add($"layer {i} ({layer.Digest}) removed");
                continue;
            }

            var result = await LayerRewriter.RewriteAsync(_source, layer, diffId, _layerTarget, _rules, staging, cancellationToken).ConfigureAwait(false);
            try
            {
                await PutLayerAsync(result, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (result.BlobPath is not null)
                {
                    IO.AtomicFile.TryDelete(result.BlobPath);
                }
            }

            layers.Add(result.Descriptor);
            if (result.DiffId is { } d)
            {
                newDiffIds.Add(d);
            }

            if (result.Changed)
            {
                rewritten++;
                paths.AddRange(result.Removed);
                retimed += result.Retimed;
                var sameTar = result.DiffId == result.OldDiffId;
                kept += sameTar ? 1 : 0;
                changes.Add($"layer {i}: {Compressions.OfMediaType(layer.MediaType)?.ToString().ToLowerInvariant()} -> {Compressions.OfMediaType(result.Descriptor.MediaType)?.ToString().ToLowerInvariant()}"
                    + (result.Removed.Count > 0 ? $", removed {string.Join(", ", result.Removed)}" : string.Empty)
                    + (result.Retimed > 0 ? $", {result.Retimed} entries re-timed" : string.Empty)
                    + (sameTar ? ", DiffID kept" : $", DiffID {result.DiffId}"));
            }
        }

        if (removed.Count == 0 && _options.Timestamp is null && layers.Select((l, i) => ReferenceEquals(l, image.Layers[i])).All(same => same))
        {
            // Nothing changed (every layer already as asked): the image travels as it is, digest and all.
            await BlobTransfer.EnsureAsync(_source, _target, image.Config, new RetryBudget(), _log, null, cancellationToken).ConfigureAwait(false);
            _images.Add(new ImageRewrite { Platform = (platform ?? config.Platform).ToString(), SourceDigest = image.Digest, Digest = image.Digest, Changes = new[] { "unchanged" } });
            return image;
        }

        edit.SetLayers(newDiffIds, removed);
        if (_options.Timestamp is { } time)
        {
            var history = edit.SetTimes(time);
            changes.Add($"config created and {history} history entries set to {time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        }

        // zstd layers have no Docker media type: such an image is written as OCI (as skopeo does).
        var docker = image.MediaType == MediaTypes.DockerManifest && layers.All(l => l.MediaType != MediaTypes.OciLayerZstd);
        if (image.MediaType == MediaTypes.DockerManifest && !docker)
        {
            changes.Add("written as an OCI manifest: Docker manifests have no zstd layers");
            layers = layers.Select(ToOci).ToList();
        }

        var configBytes = edit.ToBytes();
        var configDescriptor = new Descriptor
        {
            MediaType = docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig,
            Digest = Digest.Compute(configBytes),
            Size = configBytes.Length,
        };
        await _target.PutBlobAsync(configDescriptor, new MemoryStream(configBytes), null, cancellationToken).ConfigureAwait(false);
        var written = ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            ArtifactType = image.ArtifactType,
            Config = configDescriptor,
            Layers = layers,
            Subject = image.Subject,
            Annotations = image.Annotations,
        });
        _images.Add(new ImageRewrite
        {
            Platform = (platform ?? config.Platform).ToString(),
            SourceDigest = image.Digest,
            Digest = written.Digest,
            LayersRemoved = removed.Count,
            LayersRewritten = rewritten,
            DiffIdsKept = kept,
            PathsRemoved = paths.Distinct(StringComparer.Ordinal).ToList(),
            EntriesRetimed = retimed,
            Changes = changes,
        });
        return written;
    }

    /// <summary>The old positions of the layers to remove: by position (negative from the end) and by history line.</summary>
    private HashSet<int> LayersToRemove(ImageManifest image, ImageConfig config, ConfigRewrite edit, string what)
    {
        var removed = new HashSet<int>();
        var count = image.Layers.Count;
        foreach (var index in _options.RemoveLayers ?? Array.Empty<int>())
        {
            var at = index < 0 ? count + index : index;
            if (at < 0 || at >= count)
            {
                throw new LayerIndexOutOfRangeException(what, index, count);
            }

            removed.Add(at);
        }

        var patterns = (_options.RemoveLayersCreatedBy ?? Array.Empty<string>()).Select(p => new CreatedByPattern(p)).ToList();
        if (patterns.Count > 0)
        {
            var createdBy = edit.LayerCreatedBy ?? throw new HistoryMismatchException(what, config.LayerHistory().Count, count);
            var matched = new HashSet<string>();
            for (var i = 0; i < createdBy.Count; i++)
            {
                foreach (var pattern in patterns.Where(p => p.IsMatch(createdBy[i])))
                {
                    removed.Add(i);
                    matched.Add(pattern.Pattern);
                }
            }

            foreach (var pattern in patterns.Where(p => !matched.Contains(p.Pattern)))
            {
                _log.Warning($"-RemoveLayerCreatedBy '{pattern.Pattern}' matched no layer's history in {what}.");
            }
        }

        if (config.RootFs.DiffIds.Count != count)
        {
            throw new InvalidManifestException(what, $"its config lists {config.RootFs.DiffIds.Count} DiffIDs for {count} layers");
        }

        return removed;
    }

    private async Task PutLayerAsync(RewrittenLayer layer, CancellationToken cancellationToken)
    {
        if (layer.BlobPath is null)
        {
            await BlobTransfer.EnsureAsync(_source, _target, layer.Descriptor, new RetryBudget(), _log, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (await _target.HasBlobAsync(layer.Descriptor, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (_target is ILocalBlobs local)
        {
            local.AdoptBlobFile(layer.Descriptor, layer.BlobPath);
            return;
        }

        using var file = new FileStream(layer.BlobPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        await _target.PutBlobAsync(layer.Descriptor, file, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts a manifest; a registry refusing one with zstd layers gets its own clear error.</summary>
    private async Task PutAsync(Manifest manifest, string? tag, CancellationToken cancellationToken, bool asChild = false)
    {
        try
        {
            if (asChild)
            {
                await _target.PutChildManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _target.PutManifestAsync(manifest, tag, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RegistryErrorException ex) when (HasZstd(manifest) && (ex.StatusCode is 400 or 415 || ex.Code is "MANIFEST_INVALID" or "UNSUPPORTED"))
        {
            throw new CompressionRefusedException(_target.Location.ToString(), $"HTTP {ex.StatusCode}{(ex.Code is null ? string.Empty : " " + ex.Code)}", ex) { Target = _target.Location };
        }
    }

    private bool HasZstd(Manifest manifest) => manifest switch
    {
        ImageManifest image => image.Layers.Any(l => l.MediaType == MediaTypes.OciLayerZstd),
        ImageIndex => _images.Count > 0 && _options.Compression == LayerCompression.Zstd,
        _ => false,
    };

    private static Descriptor ToOci(Descriptor layer)
    {
        var mediaType = layer.MediaType switch
        {
            MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
            DockerLayer => MediaTypes.OciLayer,
            _ => layer.MediaType,
        };
        return mediaType == layer.MediaType ? layer : new Descriptor { MediaType = mediaType, Digest = layer.Digest, Size = layer.Size, Annotations = layer.Annotations, Urls = layer.Urls };
    }
}
