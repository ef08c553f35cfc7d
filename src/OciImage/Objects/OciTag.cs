using OciImage.Core;

namespace OciImage;

/// <summary>A tag of a repository or layout; <see cref="Reference"/> names the tagged image.</summary>
public sealed class OciTag
{
    public OciTag(Reference repository, string tag, Digest? digest, string? mediaType)
    {
        var bare = repository.WithoutIdentifier();
        Repository = bare.ToString();
        Tag = tag;
        Reference = bare.WithTag(tag).ToString();
        Digest = digest?.ToString();
        MediaType = mediaType;
    }

    public string Tag { get; }

    /// <summary>REPOSITORY:TAG or oci:PATH:TAG: pipes into the other cmdlets.</summary>
    public string Reference { get; }

    public string Repository { get; }

    /// <summary>Known without another request for layouts; null for registries (use Get-OciDigest).</summary>
    public string? Digest { get; }

    public string? MediaType { get; }

    public override string ToString() => Reference;
}
