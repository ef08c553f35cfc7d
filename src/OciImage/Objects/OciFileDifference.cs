using System.Linq;
using OciImage.Core.Analysis;

namespace OciImage;

/// <summary>One path that differs between two images' file systems (Compare-OciImage -Files).</summary>
public sealed class OciFileDifference
{
    internal OciFileDifference(FileDifference difference, string referenceImage, string differenceImage, string?[] referenceLayers, string?[] differenceLayers)
    {
        Path = difference.Path;
        Change = difference.Change.ToString();
        Changes = difference.Changes.Select(c => c.ToString()).ToArray();
        var before = difference.Reference;
        var after = difference.Difference;
        ReferenceType = before?.Entry.Kind.ToString();
        DifferenceType = after?.Entry.Kind.ToString();
        ReferenceSize = before?.Entry.Size;
        DifferenceSize = after?.Entry.Size;
        ReferenceLayer = before?.LayerIndex;
        DifferenceLayer = after?.LayerIndex;
        ReferenceLayerDigest = before is null ? null : referenceLayers[before.LayerIndex];
        DifferenceLayerDigest = after is null ? null : differenceLayers[after.LayerIndex];
        ReferenceMode = before?.Entry.Mode;
        DifferenceMode = after?.Entry.Mode;
        ReferenceOwner = before is null ? null : $"{before.Entry.UserId}:{before.Entry.GroupId}";
        DifferenceOwner = after is null ? null : $"{after.Entry.UserId}:{after.Entry.GroupId}";
        ReferenceLinkTarget = before?.Entry.LinkTarget;
        DifferenceLinkTarget = after?.Entry.LinkTarget;
        ReferenceContentDigest = before?.Entry.ContentDigest;
        DifferenceContentDigest = after?.Entry.ContentDigest;
        Reference = referenceImage;
        DifferenceReference = differenceImage;
    }

    public string Path { get; }

    /// <summary>The most telling change: Added, Removed, TypeChanged, Modified, LinkChanged, ModeChanged or OwnerChanged.</summary>
    public string Change { get; }

    /// <summary>Every change that applies, most telling first (a file can be Modified and ModeChanged).</summary>
    public string[] Changes { get; }

    /// <summary>File, Directory, Symlink, HardLink, CharacterDevice, BlockDevice, Fifo or Other; null when Added.</summary>
    public string? ReferenceType { get; }

    public string? DifferenceType { get; }

    public long? ReferenceSize { get; }

    public long? DifferenceSize { get; }

    /// <summary>The layer (from 0) of the reference image that holds the path.</summary>
    public int? ReferenceLayer { get; }

    /// <summary>The layer (from 0) of the difference image that holds the path.</summary>
    public int? DifferenceLayer { get; }

    public string? ReferenceLayerDigest { get; }

    public string? DifferenceLayerDigest { get; }

    public int? ReferenceMode { get; }

    public int? DifferenceMode { get; }

    /// <summary>UID:GID.</summary>
    public string? ReferenceOwner { get; }

    public string? DifferenceOwner { get; }

    public string? ReferenceLinkTarget { get; }

    public string? DifferenceLinkTarget { get; }

    /// <summary>sha256 of a regular file's content.</summary>
    public string? ReferenceContentDigest { get; }

    public string? DifferenceContentDigest { get; }

    /// <summary>The reference image, pinned to its digest.</summary>
    public string Reference { get; }

    /// <summary>The difference image, pinned to its digest.</summary>
    public string DifferenceReference { get; }

    public override string ToString() => Change + " " + Path;
}
