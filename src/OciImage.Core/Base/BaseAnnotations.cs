using System.Collections.Generic;
using OciImage.Core.Model;

namespace OciImage.Core.Base;

/// <summary>
/// The image spec's base-image annotations on a manifest: org.opencontainers.image.base.name (the reference
/// the base was taken from, its tag kept so it can be looked up again) and .base.digest (what that name
/// resolved to then: the index's digest when the base is multi-platform, as `crane digest` gives it).
/// </summary>
public static class BaseAnnotations
{
    public const string Name = "org.opencontainers.image.base.name";
    public const string Digest = "org.opencontainers.image.base.digest";

    /// <summary>The two annotations for a base found by <paramref name="name"/> at <paramref name="digest"/>.</summary>
    public static IReadOnlyDictionary<string, string?> For(Reference name, OciImage.Core.Digest digest) => new Dictionary<string, string?>
    {
        [Name] = name.WithDigest(null).ToString(),
        [Digest] = digest.ToString(),
    };

    /// <summary>The recorded base of a manifest, or null when it records none (or half of one).</summary>
    public static (string Name, string Digest)? Of(Manifest manifest)
    {
        var annotations = manifest.Annotations;
        return annotations is not null && annotations.TryGetValue(Name, out var name) && annotations.TryGetValue(Digest, out var digest)
            ? (name, digest)
            : null;
    }
}
