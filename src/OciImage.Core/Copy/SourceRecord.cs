using System;
using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Model;

namespace OciImage.Core.Copy;

/// <summary>
/// The source a rewritten manifest came from, as an annotation (<see cref="CopyOptions.SourceDigestAnnotation"/>):
/// a mirror that recompresses tells from one read at the destination that it is up to date, without the source.
/// OCI manifests and indexes only (a Docker manifest has no annotations).
/// </summary>
internal static class SourceRecord
{
    public static Manifest With(Manifest manifest, Digest source)
    {
        var annotations = new SortedDictionary<string, string>(
            manifest.Annotations?.ToDictionary(a => a.Key, a => a.Value) ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [CopyOptions.SourceDigestAnnotation] = source.ToString(),
        };
        return manifest switch
        {
            ImageManifest image => ManifestParser.Create(new ImageManifest
            {
                SchemaVersion = image.SchemaVersion,
                DeclaredMediaType = image.DeclaredMediaType ?? image.MediaType,
                ArtifactType = image.ArtifactType,
                Config = image.Config,
                Layers = image.Layers,
                Annotations = annotations,
                Subject = image.Subject,
            }),
            ImageIndex index => ManifestParser.Create(new ImageIndex
            {
                SchemaVersion = index.SchemaVersion,
                DeclaredMediaType = index.DeclaredMediaType ?? index.MediaType,
                ArtifactType = index.ArtifactType,
                Manifests = index.Manifests,
                Annotations = annotations,
                Subject = index.Subject,
            }),
            _ => manifest,
        };
    }
}
