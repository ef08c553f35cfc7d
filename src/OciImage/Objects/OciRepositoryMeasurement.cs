using System.Linq;
using OciImage.Core;
using OciImage.Core.Verbs;

namespace OciImage;

/// <summary>What Measure-OciRepository found: every tag's bytes, the stored total, and what -Remove would free.</summary>
public sealed class OciRepositoryMeasurement
{
    internal OciRepositoryMeasurement(RepositoryMeasurement measured)
    {
        Repository = measured.Repository.ToString();
        Tags = measured.Roots.Where(r => r.Tag is not null).Select(r => new OciTagMeasurement(measured.Repository, r)).ToArray();
        Untagged = measured.Roots.Where(r => r.Tag is null).Select(r => new OciTagMeasurement(measured.Repository, r)).ToArray();
        TagCount = Tags.Length;
        UntaggedCount = Untagged.Length;
        BlobCount = measured.BlobCount;
        StoredBytes = measured.StoredBytes;
        UntaggedOnlyBytes = measured.UntaggedOnlyBytes;
        RemovedTags = measured.RemovedTags.ToArray();
        BlobsFreed = measured.BlobsFreed;
        FreedBytes = measured.FreedBytes;
        Complete = measured.Roots.All(r => r.Error is null);
    }

    public string Repository { get; }

    /// <summary>Per tag: digest, blobs, UniqueBytes, SharedBytes, TotalBytes.</summary>
    public OciTagMeasurement[] Tags { get; }

    /// <summary>A layout's index.json entries without a tag (referrers, images copied by digest); always empty for a registry, which cannot list them.</summary>
    public OciTagMeasurement[] Untagged { get; }

    public int TagCount { get; }

    public int UntaggedCount { get; }

    /// <summary>Distinct blobs the tags and untagged manifests reach.</summary>
    public int BlobCount { get; }

    /// <summary>Their bytes, each blob once (after de-duplication).</summary>
    public long StoredBytes { get; }

    /// <summary>Bytes only untagged manifests reach: what removing those as well would add to FreedBytes.</summary>
    public long UntaggedOnlyBytes { get; }

    /// <summary>The -Remove tags the repository has.</summary>
    public string[] RemovedTags { get; }

    /// <summary>Blobs no kept tag (nor untagged manifest) reaches once RemovedTags are gone.</summary>
    public int BlobsFreed { get; }

    /// <summary>Their bytes: for a layout, what Remove-OciTag then Remove-OciUnusedBlob frees (blobs unreferenced already are not included).</summary>
    public long FreedBytes { get; }

    /// <summary>False when some tag's graph could not be read (an error was written): FreedBytes may then be too high.</summary>
    public bool Complete { get; }

    public override string ToString() => $"{Repository}: {TagCount} tags, {SizeFormat.Human(StoredBytes)} stored, {SizeFormat.Human(FreedBytes)} freed by removing {RemovedTags.Length}";
}
