using System;

namespace OciImage.Core.Errors;

/// <summary>A manifest (tag or digest) that the store does not have.</summary>
public sealed class ManifestUnknownException(string reference, string detail)
    : OciException("ManifestUnknown", OciErrorKind.NotFound,
        $"No image '{reference}': {detail}.");

/// <summary>A blob that the store does not have.</summary>
public sealed class BlobUnknownException(string where, Digest digest)
    : OciException("BlobUnknown", OciErrorKind.NotFound,
        $"Blob {digest} is missing from {where}. The image is incomplete; copy it again from its source.");

/// <summary>A directory that is not an OCI image layout.</summary>
public sealed class LayoutNotFoundException(string path, string detail)
    : OciException("LayoutNotFound", OciErrorKind.NotFound, $"'{path}' is not an OCI image layout: {detail}.")
{
    public string Path { get; } = path;
}

/// <summary>An index that has no manifest for the platform asked for, or a choice that needs a platform.</summary>
public sealed class PlatformNotFoundException(string reference, string detail)
    : OciException("PlatformNotFound", OciErrorKind.NotFound, $"{reference}: {detail}.");

/// <summary>A layout reference without tag or digest when the layout holds more than one image.</summary>
public sealed class AmbiguousReferenceException(string reference, string detail)
    : OciException("AmbiguousReference", OciErrorKind.InvalidArgument, $"{reference}: {detail}.");

/// <summary>Another writer held the layout's lock for longer than we wait.</summary>
public sealed class LayoutLockedException(string path)
    : OciException("LayoutLocked", OciErrorKind.ResourceUnavailable,
        $"The layout '{path}' stayed locked by another writer; try again, or remove a stale index.json.lock if no writer is running.");

/// <summary>Two images of one operation would land on the same tag: nothing was written.</summary>
public sealed class TagConflictException(string destination, string detail)
    : OciException("TagConflict", OciErrorKind.InvalidArgument, $"{destination}: {detail}. Nothing was written; choose images with -Name, or give each its own destination.");

/// <summary>A layout whose oci-layout file is not the spec's {"imageLayoutVersion": "..."}.</summary>
public sealed class InvalidLayoutException(string path, string detail, Exception? inner = null)
    : OciException("InvalidLayout", OciErrorKind.InvalidData, $"'{path}' is an OCI image layout with a broken oci-layout file: {detail}. Write {{\"imageLayoutVersion\":\"1.0.0\"}} into it, or copy the images again into a new layout.", inner)
{
    public string Path { get; } = path;
}

/// <summary>A tag that named another image when it was to be removed than when the removal was planned: it stays.</summary>
public sealed class TagMovedException(string reference, Digest planned, Digest now)
    : OciException("TagMoved", OciErrorKind.ResourceUnavailable,
        $"{reference} was not removed: it named {planned} when the removal was planned and names {now} now (someone pushed it meanwhile). List the tags again and decide anew.")
{
    public Digest Planned { get; } = planned;

    public Digest Now { get; } = now;
}
