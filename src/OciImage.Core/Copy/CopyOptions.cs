using System.Collections.Generic;

namespace OciImage.Core.Copy;

/// <summary>What to copy and how.</summary>
public sealed class CopyOptions
{
    /// <summary>Only these platforms of an index (a filtered index is written, whose digest differs).</summary>
    public IReadOnlyList<Platform>? Platforms { get; init; }

    /// <summary>With one platform: copy just that image manifest, not an index around it.</summary>
    public bool Single { get; init; }

    /// <summary>Refuse any copy whose destination digest would differ from the source's.</summary>
    public bool RequireSameDigest { get; init; }

    /// <summary>Blobs moved at once.</summary>
    public int ThrottleLimit { get; init; } = 4;

    /// <summary>
    /// A platform-filtered index records the digest of the index it was cut from, so a mirror can tell it is up to
    /// date from two HEADs and one read at the destination, without reading the source.
    /// </summary>
    public bool RecordSourceDigest { get; init; }

    /// <summary>The annotation <see cref="RecordSourceDigest"/> writes.</summary>
    public const string SourceDigestAnnotation = "io.ociimage.source.digest";

    /// <summary>Re-encode every layer not already in this compression (DiffIDs kept; manifests, and so digests, change); null copies as they are.</summary>
    public Layers.LayerCompression? Compression { get; init; }

    public Layers.LayerCompressionLevel CompressionLevel { get; init; }

    /// <summary>Also copy the artifacts that refer to the image (signatures, SBOMs).</summary>
    public bool IncludeReferrers { get; init; }

    /// <summary>The destination's tag as this run saw it (a mirror): a registry destination is not asked again.</summary>
    internal TagSeen? DestinationTag { get; init; }

    /// <summary>
    /// Whether a single image's platform is read for the result (its config, once at the destination: one GET); a
    /// mirror's results do not report it.
    /// </summary>
    internal bool ReadPlatform { get; init; } = true;
}
