using OciImage.Core;

namespace OciImage;

/// <summary>A tag of a repository or layout; <see cref="Reference"/> names the tagged image.</summary>
public sealed class OciTag
{
    public OciTag(Reference repository, string tag, Digest? digest, string? mediaType)
    {
        Repository = repository.WithoutIdentifier();
        Tag = tag;
        Reference = Repository.WithTag(tag);
        _digest = digest;
        MediaType = mediaType;
    }

    public string Tag { get; }

    public Reference Reference { get; }

    public Reference Repository { get; }

    /// <summary>Known without another request for layouts; null for registries (use Get-OciDigest).</summary>
    // Boxed, like every engine struct held by a public type of this assembly: see ModuleInitializer.
    private readonly object? _digest;

    public Digest? Digest => (Digest?)_digest;

    public string? MediaType { get; }

    public override string ToString() => Reference.ToString();
}
