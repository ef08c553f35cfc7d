using System.Collections.Generic;

namespace OciImage.Core.Analysis;

/// <summary>One path that differs between two merged file systems: each side's entry and the layer that holds it.</summary>
public sealed class FileDifference
{
    public FileDifference(string path, IReadOnlyList<FileChange> changes, MergedEntry? reference, MergedEntry? difference)
    {
        Path = path;
        Changes = changes;
        Reference = reference;
        Difference = difference;
    }

    public string Path { get; }

    /// <summary>The most telling change (Added, Removed, TypeChanged, Modified, LinkChanged, ModeChanged, OwnerChanged, in that order).</summary>
    public FileChange Change => Changes[0];

    /// <summary>Every change that applies (a file can be Modified and ModeChanged).</summary>
    public IReadOnlyList<FileChange> Changes { get; }

    /// <summary>The path in the reference image; null when Added.</summary>
    public MergedEntry? Reference { get; }

    /// <summary>The path in the difference image; null when Removed.</summary>
    public MergedEntry? Difference { get; }
}
