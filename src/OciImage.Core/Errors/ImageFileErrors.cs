namespace OciImage.Core.Errors;

/// <summary>A path that the image's merged file system does not hold (deleted by a whiteout, never written, a link to nothing).</summary>
public sealed class PathNotFoundException(string image, string path, string detail)
    : OciException("PathNotFound", OciErrorKind.NotFound, $"{image} has no file '{path}': {detail}.")
{
    public string Path { get; } = path;
}

/// <summary>A file too large to hand over as one object (a byte array or a string): it goes to a file instead.</summary>
public sealed class ContentTooLargeException(string path, long size, long limit)
    : OciException("ContentTooLarge", OciErrorKind.LimitsExceeded,
        $"'{path}' is {size} bytes, over the {limit}-byte limit for one object in memory; write it to a file with -Destination.")
{
    public string Path { get; } = path;
}
