using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// What refers to a manifest (OCI 1.1 subject). Registries: the referrers API, else the sha256-HEX tag index,
/// which a client that pushes a referrer keeps up to date. Layouts: manifests listed in index.json whose
/// subject is the digest.
/// </summary>
public static class Referrers
{
    public static async Task<IReadOnlyList<Descriptor>> ListAsync(IImageStore store, Digest subject, CancellationToken cancellationToken)
    {
        if (store is RegistryStore registry)
        {
            return await registry.ReferrersAsync(subject, cancellationToken).ConfigureAwait(false);
        }

        var layout = (OciLayoutStore)store;
        var result = new List<Descriptor>();
        foreach (var entry in layout.ReadIndex().Manifests.Where(e => MediaTypes.IsImageManifest(e.MediaType)).GroupBy(e => e.Digest).Select(g => g.First()))
        {
            Manifest manifest;
            try
            {
                manifest = await layout.GetManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            }
            catch (OciException)
            {
                continue; // a broken entry is not a referrer; Test-OciImage reports it
            }

            if (manifest.Subject?.Digest == subject)
            {
                result.Add(new Descriptor
                {
                    MediaType = manifest.MediaType,
                    Digest = manifest.Digest,
                    Size = manifest.Size,
                    ArtifactType = manifest.ArtifactType ?? (manifest as ImageManifest)?.Config.MediaType,
                    Annotations = manifest.Annotations,
                });
            }
        }

        return result;
    }

    /// <summary>After pushing a manifest with a subject: keeps the registry's fallback tag index up to date.</summary>
    public static async Task RecordAsync(IImageStore store, ImageManifest manifest, CancellationToken cancellationToken)
    {
        if (store is not RegistryStore registry)
        {
            // Layouts find referrers by scanning index.json: the manifest must be listed there.
            if (store is OciLayoutStore layout)
            {
                await layout.UpdateIndexAsync(index => index.Add(manifest.ToDescriptor(), null), cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var subject = manifest.Subject!.Digest;
        var tag = subject.Algorithm + "-" + subject.Hex;
        var existing = await registry.ReferrersAsync(subject, cancellationToken).ConfigureAwait(false);
        if (existing.Any(d => d.Digest == manifest.Digest))
        {
            return;
        }

        var entry = new Descriptor
        {
            MediaType = manifest.MediaType,
            Digest = manifest.Digest,
            Size = manifest.Size,
            ArtifactType = manifest.ArtifactType ?? manifest.Config.MediaType,
            Annotations = manifest.Annotations,
        };
        var index = ManifestParser.Create(new ImageIndex
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciIndex,
            Manifests = existing.Append(entry).ToList(),
        });
        await registry.PutManifestAsync(index, tag, cancellationToken).ConfigureAwait(false);
    }
}
