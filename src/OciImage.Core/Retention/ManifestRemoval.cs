using System.Collections.Generic;
using OciImage.Core.Model;

namespace OciImage.Core.Retention;

/// <summary>
/// What deleting one manifest takes with it, found before anything is deleted so -WhatIf and the confirmation
/// can name it all: the tags that name it, and (when asked) its referrers, their tags and the fallback index.
/// </summary>
public sealed class ManifestRemoval
{
    internal ManifestRemoval(Reference repository, Digest digest, IReadOnlyList<string> tags, IReadOnlyList<Descriptor> referrers,
        IReadOnlyList<string> referrerTags, IReadOnlyList<(string Tag, Digest Index)> fallbackIndexes)
    {
        Repository = repository;
        Digest = digest;
        Tags = tags;
        Referrers = referrers;
        ReferrerTags = referrerTags;
        FallbackIndexes = fallbackIndexes;
    }

    public Reference Repository { get; }

    public Digest Digest { get; }

    /// <summary>Every tag that names the manifest: they go with it.</summary>
    public IReadOnlyList<string> Tags { get; }

    /// <summary>Its referrers and theirs (a signature of an SBOM), nearest first; empty unless asked.</summary>
    public IReadOnlyList<Descriptor> Referrers { get; }

    /// <summary>Tags that name a referrer (other than the fallback tags): they go with it.</summary>
    public IReadOnlyList<string> ReferrerTags { get; }

    /// <summary>The sha256-HEX fallback tags of the subject and its referrers, with the index each names.</summary>
    public IReadOnlyList<(string Tag, Digest Index)> FallbackIndexes { get; }
}
