using System;

namespace OciImage.Core.Selection;

/// <summary>One tag and what a selection made of it: selected, or the rule that dropped it (for -WhatIf and plans).</summary>
public sealed class TagDecision
{
    internal TagDecision(string tag, TagVersion? version, bool pinned)
    {
        Tag = tag;
        Version = version;
        IsPinned = pinned;
    }

    public string Tag { get; }

    /// <summary>The tag read as a version, or null when it is not one.</summary>
    public TagVersion? Version { get; }

    /// <summary>A digest-pinned item (<c>app@sha256:...</c>, <c>sha256:...</c>): never a tag, always passed through.</summary>
    public bool IsPinned { get; }

    /// <summary>The created date when a date rule looked it up; null when undated or not looked up.</summary>
    public DateTimeOffset? Created { get; internal set; }

    /// <summary>True when the date was looked up (so a null <see cref="Created"/> means undated).</summary>
    public bool DateKnown { get; internal set; }

    public bool Selected => DroppedBy is null;

    /// <summary>The rule that dropped the tag; null when selected.</summary>
    public SelectionStep? DroppedBy { get; internal set; }

    public override string ToString() => Tag;
}
