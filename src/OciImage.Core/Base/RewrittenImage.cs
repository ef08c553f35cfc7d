using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transfer;

namespace OciImage.Core.Base;

/// <summary>
/// Writes an image made from another's parts, in the contract's order: blobs from elsewhere (a new base's
/// layers), a new layer's file, the config, then the manifest, in the original's style (OCI or Docker), tagged or
/// as an index's child.
/// </summary>
internal static class RewrittenImage
{
    public static async Task<ImageManifest> WriteAsync(ImageHandle original, byte[] config, IReadOnlyList<Descriptor> layers, IReadOnlyList<(IImageStore Source, Descriptor Blob)> borrowed,
        NewLayer? added, IReadOnlyDictionary<string, string>? annotations, string? tag, IEngineLog log, CancellationToken cancellationToken)
    {
        var target = original.Store;
        foreach (var (source, blob) in borrowed)
        {
            await BlobTransfer.EnsureAsync(source, target, blob, new RetryBudget(), log, null, cancellationToken).ConfigureAwait(false);
        }

        if (added is not null && !await target.HasBlobAsync(added.Descriptor, cancellationToken).ConfigureAwait(false))
        {
            using var file = new FileStream(added.BlobPath!, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            await target.PutBlobAsync(added.Descriptor, file, null, cancellationToken).ConfigureAwait(false);
        }

        var docker = original.Manifest.MediaType == MediaTypes.DockerManifest;
        var configBlob = new Descriptor { MediaType = original.Manifest.Config.MediaType, Digest = Digest.Compute(config), Size = config.Length };
        await target.PutBlobAsync(configBlob, new MemoryStream(config), null, cancellationToken).ConfigureAwait(false);
        var manifest = ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = original.Manifest.MediaType,
            Config = configBlob,
            Layers = layers.Select(l => Restyle(l, docker)).ToList(),
            Annotations = docker ? null : annotations,
        });
        if (tag is null)
        {
            await target.PutChildManifestAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await target.PutManifestAsync(manifest, tag, cancellationToken).ConfigureAwait(false);
            await target.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return manifest;
    }

    /// <summary>gzip layers in the manifest's style (a new base may come in the other one).</summary>
    private static Descriptor Restyle(Descriptor layer, bool docker)
    {
        var mediaType = (docker, layer.MediaType) switch
        {
            (true, MediaTypes.OciLayerGzip) => MediaTypes.DockerLayerGzip,
            (false, MediaTypes.DockerLayerGzip) => MediaTypes.OciLayerGzip,
            _ => layer.MediaType,
        };
        return mediaType == layer.MediaType ? layer : new Descriptor { MediaType = mediaType, Digest = layer.Digest, Size = layer.Size, Annotations = layer.Annotations, Urls = layer.Urls };
    }
}
