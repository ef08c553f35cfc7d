using System;
using System.Linq;
using OciImage.Core;
using OciImage.Core.Retention;

namespace OciImage;

/// <summary>One tag a Remove-OciTag -Keep run left out of its keep-selection, and what became of it.</summary>
public sealed class OciTagRemoval
{
    internal OciTagRemoval(Reference repository, PlannedRemoval planned, bool removed, string? reason)
    {
        Repository = repository.ToString();
        Tag = planned.Tag;
        Digest = planned.Digest?.ToString();
        FreedBytes = planned.FreedBytes;
        DroppedBy = planned.DroppedBy?.ToString();
        Created = planned.Created?.UtcDateTime;
        KeptAliases = planned.KeptAliases.ToArray();
        Removed = removed;
        Reason = reason;
    }

    public string Repository { get; }

    public string Tag { get; }

    /// <summary>What the tag named when planned (checked again right before it is removed).</summary>
    public string? Digest { get; }

    /// <summary>Bytes it reaches that no kept tag reaches (shared with other removed tags: counted for each).</summary>
    public long FreedBytes { get; }

    /// <summary>The keep rule that left it out (CreatedSince, Newest, ...).</summary>
    public string? DroppedBy { get; }

    public DateTime? Created { get; }

    /// <summary>Kept tags naming the same image: the image stays, this name goes.</summary>
    public string[] KeptAliases { get; }

    public bool Removed { get; }

    /// <summary>Why not removed: WhatIf, declined, moved since planned, or the error.</summary>
    public string? Reason { get; }

    public override string ToString() => $"{Tag} {Digest}";
}

/// <summary>What Remove-OciTag -Keep did to a repository: every tag it left out, the tags kept, and the bytes freed.</summary>
public sealed class OciRetention
{
    internal OciRetention(RetentionPlan plan, OciTagRemoval[] removals)
    {
        Repository = plan.Repository.ToString();
        Removals = removals;
        KeptTags = plan.Kept.ToArray();
        TagsRemoved = removals.Count(r => r.Removed);
        FreedBytes = plan.FreedBytes;
    }

    public string Repository { get; }

    /// <summary>Every tag the keep-selection left out (removed or not, with the reason).</summary>
    public OciTagRemoval[] Removals { get; }

    public string[] KeptTags { get; }

    public int TagsRemoved { get; }

    /// <summary>Bytes nothing kept reaches once all of Removals go, each blob once: what Measure-OciRepository says the removal frees.</summary>
    public long FreedBytes { get; }

    public override string ToString() => $"{TagsRemoved} of {Removals.Length} tags removed, {KeptTags.Length} kept, {SizeFormat.Human(FreedBytes)} no longer referenced";
}
