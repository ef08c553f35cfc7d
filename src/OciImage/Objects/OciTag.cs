using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Selection;
using OciImage.Core.Verbs;

namespace OciImage;

/// <summary>A tag of a repository or layout; <see cref="Reference"/> names the tagged image. Details are filled when -Detail asks.</summary>
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

    internal OciTag(Reference repository, ListedTag listed)
        : this(repository, listed.Tag, listed.Digest, listed.MediaType)
    {
        var details = listed.Details;
        Created = details?.Created?.UtcDateTime;
        Platforms = details?.Platforms?.ToArray();
        Size = details?.Size;
        PlatformSizes = details?.PlatformSizes?.GroupBy(p => p.Platform, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(p => p.Size), StringComparer.Ordinal);
        ReferrerCount = details?.ReferrerCount;
        Version = TagVersion.TryParse(listed.Tag)?.ToString();
        Detailed = details is not null;
    }

    public string Tag { get; }

    /// <summary>REPOSITORY:TAG or oci:PATH:TAG: pipes into the other cmdlets.</summary>
    public string Reference { get; }

    public string Repository { get; }

    /// <summary>Known without another request for layouts; for registries with -Detail Digest (a HEAD), else null.</summary>
    public string? Digest { get; }

    public string? MediaType { get; }

    /// <summary>The tag read as a version (1.2.3, 1.2.3-rc.1), or null; sort by it with Sort-Object { [version]... } no more.</summary>
    public string? Version { get; }

    /// <summary>With -Detail Created: the config's created date, else the org.opencontainers.image.created annotation; null when undated (never 1970).</summary>
    public DateTime? Created { get; }

    /// <summary>With -Detail Manifest: os/arch[/variant] of each image.</summary>
    public string[]? Platforms { get; }

    /// <summary>With -Detail Manifest: compressed bytes of every platform (manifests, configs and layers, each blob once).</summary>
    public long? Size { get; }

    /// <summary>With -Detail Manifest: the compressed bytes of each platform's image (os/arch[/variant] to bytes).</summary>
    public Dictionary<string, long>? PlatformSizes { get; }

    /// <summary>With -Detail Referrers: how many signatures, SBOMs and attestations name it.</summary>
    public int? ReferrerCount { get; }

    internal bool Detailed { get; }

    public override string ToString() => Reference;

    /// <summary>The object with the view that fits what it holds: details, or a registry listing without digests (no empty column).</summary>
    internal static PSObject Shown(OciTag tag)
    {
        var shown = new PSObject(tag);
        if (tag.Detailed)
        {
            shown.TypeNames.Insert(0, "OciImage.OciTag#Detailed");
        }
        else if (tag.Digest is null)
        {
            shown.TypeNames.Insert(0, "OciImage.OciTag#WithoutDigest");
        }

        return shown;
    }
}
