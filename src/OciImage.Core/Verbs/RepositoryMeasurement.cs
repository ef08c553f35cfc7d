using System.Collections.Generic;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.Verbs;

/// <summary>What kind of blob a measured blob is to the image that reaches it.</summary>
public enum MeasuredBlobKind
{
    Manifest,
    Index,
    Config,
    Layer,
    Other,
}

/// <summary>One blob a tag reaches, and how many tags (and untagged manifests) reach it.</summary>
public sealed class MeasuredBlob(Digest digest, long size, MeasuredBlobKind kind)
{
    public Digest Digest { get; } = digest;

    public long Size { get; } = size;

    public MeasuredBlobKind Kind { get; } = kind;
}

/// <summary>A tag (or, in a layout, an untagged index.json entry) with every blob it reaches.</summary>
public sealed class MeasuredRoot
{
    internal MeasuredRoot(string? tag, Digest? digest, string? mediaType, IReadOnlyList<MeasuredBlob> blobs, OciException? error)
    {
        Tag = tag;
        Digest = digest;
        MediaType = mediaType;
        Blobs = blobs;
        Error = error;
    }

    /// <summary>Null for an untagged manifest.</summary>
    public string? Tag { get; }

    public Digest? Digest { get; }

    public string? MediaType { get; }

    public IReadOnlyList<MeasuredBlob> Blobs { get; }

    /// <summary>Why its manifest could not be read; then its blobs are unknown and the totals are a lower bound.</summary>
    public OciException? Error { get; }

    /// <summary>Bytes of blobs no other tag or untagged manifest reaches.</summary>
    public long UniqueBytes { get; internal set; }

    /// <summary>Bytes of blobs something else reaches too.</summary>
    public long SharedBytes { get; internal set; }

    /// <summary>Every blob it reaches, each once.</summary>
    public long TotalBytes { get; internal set; }

    /// <summary>True when the removal set names it.</summary>
    public bool Removed { get; internal set; }
}

/// <summary>A repository's tags with their unique and shared bytes, the stored total, and what a removal would free.</summary>
public sealed class RepositoryMeasurement
{
    internal RepositoryMeasurement(Reference repository, IReadOnlyList<MeasuredRoot> roots, IReadOnlyList<string> removed, IReadOnlyList<OciException> problems)
    {
        Repository = repository;
        Roots = roots;
        RemovedTags = removed;
        Problems = problems;
    }

    public Reference Repository { get; }

    /// <summary>Tags in the store's order, then untagged manifests (layouts only).</summary>
    public IReadOnlyList<MeasuredRoot> Roots { get; }

    /// <summary>The tags of the removal set that the repository has.</summary>
    public IReadOnlyList<string> RemovedTags { get; }

    /// <summary>Removal tags the repository does not have, and roots that could not be read.</summary>
    public IReadOnlyList<OciException> Problems { get; }

    /// <summary>Distinct blobs reached from every tag and untagged manifest.</summary>
    public int BlobCount { get; internal set; }

    /// <summary>Their bytes, each blob once: what the repository stores for its tags after de-duplication.</summary>
    public long StoredBytes { get; internal set; }

    /// <summary>Bytes of blobs that only untagged manifests reach.</summary>
    public long UntaggedOnlyBytes { get; internal set; }

    /// <summary>Blobs no kept tag nor untagged manifest reaches once the removal set is gone.</summary>
    public int BlobsFreed { get; internal set; }

    public long FreedBytes { get; internal set; }
}
