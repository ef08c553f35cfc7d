using System.Linq;

namespace OciImage.Core.Model;

/// <summary>
/// How a referrer is listed (OCI 1.1): the descriptor a referrers answer carries for a manifest with a subject,
/// and the tag of the fallback index that registries without the referrers API keep (sha256-HEX).
/// </summary>
public static class ReferrerIndex
{
    public static Descriptor DescriptorOf(Manifest manifest) => new()
    {
        MediaType = manifest.MediaType,
        Digest = manifest.Digest,
        Size = manifest.Size,
        ArtifactType = manifest.ArtifactType ?? (manifest as ImageManifest)?.Config.MediaType,
        Annotations = manifest.Annotations,
    };

    public static string FallbackTag(Digest subject) => subject.Algorithm + "-" + subject.Hex;

    /// <summary>The fallback index with <paramref name="entry"/> added (once).</summary>
    public static ImageIndex With(System.Collections.Generic.IReadOnlyList<Descriptor> existing, Descriptor entry) => ManifestParser.Create(new ImageIndex
    {
        SchemaVersion = 2,
        DeclaredMediaType = MediaTypes.OciIndex,
        Manifests = existing.Where(d => d.Digest != entry.Digest).Append(entry).ToList(),
    });
}
