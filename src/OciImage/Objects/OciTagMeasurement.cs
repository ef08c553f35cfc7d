using System.Linq;
using OciImage.Core;
using OciImage.Core.Verbs;

namespace OciImage;

/// <summary>One tag of Measure-OciRepository (or, in a layout, an untagged index.json entry: Tag is null).</summary>
public sealed class OciTagMeasurement
{
    internal OciTagMeasurement(Reference repository, MeasuredRoot root)
    {
        Repository = repository.ToString();
        Tag = root.Tag;
        Digest = root.Digest?.ToString();
        MediaType = root.MediaType;
        Blobs = root.Blobs.Select(b => new OciMeasuredBlob(b.Digest.ToString(), b.Size, b.Kind.ToString())).ToArray();
        UniqueBytes = root.UniqueBytes;
        SharedBytes = root.SharedBytes;
        TotalBytes = root.TotalBytes;
        Removed = root.Removed;
        Complete = root.Error is null;
    }

    public string Repository { get; }

    /// <summary>Null for an untagged manifest of a layout (kept by Remove-OciUnusedBlob).</summary>
    public string? Tag { get; }

    public string? Digest { get; }

    public string? MediaType { get; }

    /// <summary>Every blob it reaches, each once: manifests, indexes, configs, layers.</summary>
    public OciMeasuredBlob[] Blobs { get; }

    /// <summary>Bytes of blobs no other tag (nor untagged manifest) reaches.</summary>
    public long UniqueBytes { get; }

    /// <summary>Bytes of blobs something else reaches too.</summary>
    public long SharedBytes { get; }

    public long TotalBytes { get; }

    /// <summary>True when -Remove names it.</summary>
    public bool Removed { get; }

    /// <summary>False when part of its graph could not be read (an error was written): its bytes are a lower bound.</summary>
    public bool Complete { get; }

    public override string ToString() => $"{Tag ?? Digest}: {SizeFormat.Human(UniqueBytes)} unique, {SizeFormat.Human(SharedBytes)} shared";
}

/// <summary>A blob a measured tag reaches.</summary>
public sealed class OciMeasuredBlob(string digest, long size, string kind)
{
    public string Digest { get; } = digest;

    public long Size { get; } = size;

    /// <summary>Manifest, Index, Config, Layer, or Other (an index entry that is not a manifest).</summary>
    public string Kind { get; } = kind;

    public override string ToString() => $"{Kind} {Digest} ({SizeFormat.Human(Size)})";
}
