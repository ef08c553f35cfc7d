using System;
using System.Collections.Generic;
using OciImage.Core.Errors;

namespace OciImage.Core.Selection;

/// <summary>
/// What retention needs to know of one tag. Fields that were not asked for (<see cref="Fetched"/>) are null;
/// a tag that could not be read (it moved or went away since the listing) has <see cref="Error"/> and nulls.
/// </summary>
public sealed class TagDetails
{
    internal TagDetails(Reference repository, string tag, TagDetailFields fetched)
    {
        Repository = repository;
        Tag = tag;
        Fetched = fetched;
    }

    /// <summary>The repository or layout, without tag.</summary>
    public Reference Repository { get; }

    public string Tag { get; }

    /// <summary>What was asked; a field outside it is null because it was not fetched, not because it is empty.</summary>
    public TagDetailFields Fetched { get; }

    public Digest? Digest { get; internal set; }

    public string? MediaType { get; internal set; }

    /// <summary>os/arch[/variant] of each runnable image (attestations, unknown/unknown, left out).</summary>
    public IReadOnlyList<string>? Platforms { get; internal set; }

    /// <summary>
    /// Compressed bytes of everything the tag names, each blob or manifest once: the manifest or index, its
    /// child manifests (attestations too), configs and layers. Not what it frees: layers shared with other tags count here too.
    /// </summary>
    public long? Size { get; internal set; }

    /// <summary>Per runnable platform: manifest, config and layers.</summary>
    public IReadOnlyList<PlatformSize>? PlatformSizes { get; internal set; }

    /// <summary>The created date by <see cref="CreatedDate"/>'s rule; null when undated (or not fetched).</summary>
    public DateTimeOffset? Created { get; internal set; }

    public int? ReferrerCount { get; internal set; }

    /// <summary>A created text that did not parse (so <see cref="Created"/> is null), for the one warning a listing gives.</summary>
    internal string? UnparsedCreated { get; set; }

    /// <summary>Why this tag has no details; the others are unaffected.</summary>
    public OciException? Error { get; internal set; }

    public override string ToString() => $"{Tag} {Digest}";
}
