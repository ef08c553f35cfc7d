using System;

namespace OciImage.Core.Errors;

/// <summary>Bytes read do not hash to the digest (or size) that named them.</summary>
public sealed class DigestMismatchException(string what, Digest expected, string actual)
    : OciException("DigestMismatch", OciErrorKind.InvalidData,
        $"The content of {what} does not match its descriptor: expected {expected}, got {actual}. The content is corrupt or was modified.")
{
    public Digest Expected { get; } = expected;
    public string Actual { get; } = actual;
}

/// <summary>A manifest, index or config that is not valid JSON of the expected shape.</summary>
public sealed class InvalidManifestException(string what, string reason, Exception? inner = null)
    : OciException("InvalidManifest", OciErrorKind.InvalidData,
        $"{what} is not a valid OCI or Docker document: {reason}.", inner);

/// <summary>A manifest larger than the 4 MiB the distribution spec lets a client refuse, or a referrers list longer than the module reads.</summary>
public sealed class ManifestTooLargeException : OciException
{
    public ManifestTooLargeException(string what, long size, long limit)
        : base("ManifestTooLarge", OciErrorKind.LimitsExceeded, $"{what} is {size} bytes, over the {limit}-byte limit for manifests; it was not read.")
    {
    }

    private ManifestTooLargeException(string message)
        : base("ManifestTooLarge", OciErrorKind.LimitsExceeded, message)
    {
    }

    /// <summary>A referrers list (an API answer, a fallback index, a walk of them) over <paramref name="limit"/> entries.</summary>
    public static ManifestTooLargeException TooManyReferrers(string what, int limit, string outcome) =>
        new($"{what} number more than {limit}, the most this module reads for one image; {outcome}.");
}

/// <summary>A media type the operation cannot handle.</summary>
public sealed class UnsupportedMediaTypeException : OciException
{
    public UnsupportedMediaTypeException(string what, string? mediaType)
        : base("UnsupportedMediaType", OciErrorKind.InvalidData, $"{what} has media type '{mediaType ?? "(none)"}', which is not an image manifest or index this module reads.")
    {
    }

    private UnsupportedMediaTypeException(string message)
        : base("UnsupportedMediaType", OciErrorKind.InvalidData, message)
    {
    }

    /// <summary>A layer compressed in a format the module cannot read, named so the user knows which.</summary>
    public static UnsupportedMediaTypeException Unreadable(string what, string compression) =>
        new($"{what} is {compression}-compressed, which this module does not read (it reads gzip, zstd, bzip2 and uncompressed layers).");

    /// <summary>A layer the module reads but that no OCI media type can label, so it cannot go into an image as it is.</summary>
    public static UnsupportedMediaTypeException Unlabelled(string what, string compression) =>
        new($"{what} is {compression}-compressed, and no OCI layer media type names {compression}: decompress it (or recompress it as gzip or zstd) first.");
}

/// <summary>A layer blob that is not a readable tar in a known compression.</summary>
public sealed class InvalidLayerException(string what, string reason, Exception? inner = null)
    : OciException("InvalidLayer", OciErrorKind.InvalidData, $"{what} is not a valid layer: {reason}.", inner);

/// <summary>A layer entry that would write outside the target or otherwise cannot be applied safely.</summary>
public sealed class UnsafeLayerEntryException(string entry, string reason)
    : OciException("UnsafeLayerEntry", OciErrorKind.InvalidData, $"The layer entry '{entry}' was refused: {reason}. Nothing was written outside the destination.")
{
    public string Entry { get; } = entry;
}

/// <summary>Extraction went over the size limit (a tar bomb, or a limit set too low).</summary>
public sealed class ExtractionLimitException(long limit)
    : OciException("ExtractionLimitExceeded", OciErrorKind.LimitsExceeded, $"The image expands to more than {limit} bytes (files, plus 512 bytes an entry), the -MaxSize limit (by default 100 times the layers' compressed size, at least 1 GiB); the partial result was removed.");

/// <summary>A file that is not an OCI or docker-save image archive.</summary>
public sealed class InvalidArchiveException(string path, string reason)
    : OciException("InvalidArchive", OciErrorKind.InvalidData, $"'{path}' is not an image archive: {reason}. Give a tar written by Export-OciImage, skopeo (oci-archive, docker-archive) or docker save.");

/// <summary>Indexes nested deeper than <see cref="Images.ManifestGraph.MaxIndexDepth"/> levels: refused before the walk can run away.</summary>
public sealed class IndexTooDeepException(string what, int limit)
    : OciException("IndexTooDeep", OciErrorKind.LimitsExceeded,
        $"{what} nests indexes more than {limit} levels deep, the limit this module reads (real images nest one or two); it was not followed further.");
