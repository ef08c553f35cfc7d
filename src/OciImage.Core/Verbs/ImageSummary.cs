using System.Collections.Generic;
using OciImage.Core.Model;

namespace OciImage.Core.Verbs;

/// <summary>What Get-OciImage tells of an image in one answer, as skopeo inspect does.</summary>
public sealed class ImageSummary
{
    /// <summary>The reference as asked for, pinned to the digest it resolved to (an index's, for an index).</summary>
    public Reference Reference { get; init; } = null!;

    /// <summary>The digest the reference resolved to: the index's for a multi-platform image.</summary>
    public Digest Digest { get; init; }

    /// <summary>The chosen image's manifest (the same as <see cref="Digest"/> for a single image).</summary>
    public Descriptor Image { get; init; } = null!;

    public ImageManifest Manifest { get; init; } = null!;

    public ImageConfig Config { get; init; } = null!;

    /// <summary>Every platform of the index the reference named; the image's own for a single image.</summary>
    public IReadOnlyList<string> Platforms { get; init; } = new List<string>();

    /// <summary>The repository's tags (its first page: up to <see cref="InspectVerb.MaximumTags"/>); null where it could not be listed.</summary>
    public IReadOnlyList<string>? RepositoryTags { get; init; }
}
