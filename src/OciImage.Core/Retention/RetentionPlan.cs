using System;
using System.Collections.Generic;
using OciImage.Core.Errors;
using OciImage.Core.Selection;

namespace OciImage.Core.Retention;

/// <summary>One tag a keep-selection leaves out: what it names when planned, and what its removal frees.</summary>
public sealed class PlannedRemoval
{
    internal PlannedRemoval(string tag, Digest? digest, SelectionStep? droppedBy, DateTimeOffset? created, long freedBytes, IReadOnlyList<string> keptAliases, OciException? error)
    {
        Tag = tag;
        Digest = digest;
        DroppedBy = droppedBy;
        Created = created;
        FreedBytes = freedBytes;
        KeptAliases = keptAliases;
        Error = error;
    }

    public string Tag { get; }

    /// <summary>The manifest it named when planned; the removal checks it still does. Null when it could not be read.</summary>
    public Digest? Digest { get; }

    /// <summary>The rule of the keep-selection that left it out.</summary>
    public SelectionStep? DroppedBy { get; }

    /// <summary>Its created date where a date rule looked it up.</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>
    /// Bytes it reaches that nothing kept reaches (so removing the whole plan frees them); a blob it shares with
    /// another removed tag counts for both: the plan's <see cref="RetentionPlan.FreedBytes"/> counts each once.
    /// </summary>
    public long FreedBytes { get; }

    /// <summary>Kept tags that name the same manifest: the image stays, only this name goes.</summary>
    public IReadOnlyList<string> KeptAliases { get; }

    /// <summary>Why it is not removed (its manifest could not be read, so what it names is unknown).</summary>
    public OciException? Error { get; }
}

/// <summary>What a keep-selection removes from a repository, what it keeps, and the bytes nothing kept reaches any more.</summary>
public sealed class RetentionPlan
{
    internal RetentionPlan(Reference repository, IReadOnlyList<PlannedRemoval> removals, IReadOnlyList<string> kept, long freedBytes, IReadOnlyList<OciException> problems)
    {
        Repository = repository;
        Removals = removals;
        Kept = kept;
        FreedBytes = freedBytes;
        Problems = problems;
    }

    public Reference Repository { get; }

    /// <summary>The complement of the keep-selection, in the selection's order (versions ascending, then others).</summary>
    public IReadOnlyList<PlannedRemoval> Removals { get; }

    /// <summary>Every tag kept: the selection's, and the referrer fallback tags (sha256-HEX), which no rule judges.</summary>
    public IReadOnlyList<string> Kept { get; }

    /// <summary>Bytes of the blobs the removed tags reach and nothing kept reaches, each once (a layout frees them at Remove-OciUnusedBlob, a registry at its garbage collection).</summary>
    public long FreedBytes { get; }

    /// <summary>Tags whose graph could not be read: what they reach is unknown, so FreedBytes may be off by it.</summary>
    public IReadOnlyList<OciException> Problems { get; }
}
