namespace OciImage.Core.Errors;

/// <summary>A reference string that does not parse.</summary>
public sealed class InvalidReferenceException(string reference, string reason)
    : OciException("InvalidReference", OciErrorKind.InvalidArgument,
        $"'{reference}' is not a valid image reference: {reason}. Use REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].")
{
    public string Reference { get; } = reference;
}

/// <summary>A digest string that does not parse.</summary>
public sealed class InvalidDigestException(string digest, string reason)
    : OciException("InvalidDigest", OciErrorKind.InvalidArgument,
        $"'{digest}' is not a valid digest: {reason}. A digest looks like sha256:<64 lowercase hex>.")
{
    public string Digest { get; } = digest;
}

/// <summary>A platform string that does not parse.</summary>
public sealed class InvalidPlatformException(string platform, string reason)
    : OciException("InvalidPlatform", OciErrorKind.InvalidArgument,
        $"'{platform}' is not a valid platform: {reason}. Use OS/ARCHITECTURE[/VARIANT], for example linux/arm64/v8.")
{
    public string Platform { get; } = platform;
}

/// <summary>A file path that does not exist.</summary>
public sealed class FileNotFoundOciException(string path)
    : OciException("FileNotFound", OciErrorKind.NotFound, $"The file '{path}' does not exist.")
{
    public string Path { get; } = path;
}

/// <summary>A path that names a directory where a file is needed.</summary>
public sealed class PathIsDirectoryException(string path)
    : OciException("PathIsDirectory", OciErrorKind.InvalidArgument, $"'{path}' is a directory; give a file.")
{
    public string Path { get; } = path;
}

/// <summary>A compression name that is not gzip, zstd or none.</summary>
public sealed class UnknownCompressionException(string name)
    : OciException("UnknownCompression", OciErrorKind.InvalidArgument, $"'{name}' is not a layer compression; use gzip, zstd or none.");

/// <summary>A directory path that does not exist.</summary>
public sealed class DirectoryNotFoundOciException(string path)
    : OciException("DirectoryNotFound", OciErrorKind.NotFound, $"The directory '{path}' does not exist.")
{
    public string Path { get; } = path;
}

/// <summary>A path that names a file where a directory is needed.</summary>
public sealed class NotADirectoryException(string path)
    : OciException("NotADirectory", OciErrorKind.InvalidArgument, $"'{path}' is a file; give a directory.")
{
    public string Path { get; } = path;
}

/// <summary>A destination directory that already has content.</summary>
public sealed class DestinationNotEmptyException(string path)
    : OciException("DestinationNotEmpty", OciErrorKind.ResourceExists, $"The destination '{path}' is not empty; choose a new or empty directory.")
{
    public string Path { get; } = path;
}

/// <summary>A layer position the image does not have.</summary>
public sealed class LayerIndexOutOfRangeException(string reference, int index, int count)
    : OciException("LayerIndexOutOfRange", OciErrorKind.InvalidArgument, $"{reference} has {count} layers (0 to {count - 1}, or -1 for the last); there is no layer {index}.");

/// <summary>A hashtable parameter (Environment, Label, Annotation) with a value that is not a string.</summary>
public sealed class InvalidMapValueException(string parameter, string key, string type)
    : OciException("InvalidMapValue", OciErrorKind.InvalidArgument,
        $"-{parameter} value for '{key}' is a {type}; give strings only (quote numbers, such as @{{ {key} = '8080' }}), or $null to remove it.");

/// <summary>-RequireSameDigest, and the copy would change the digest (a platform filter).</summary>
public sealed class DigestWouldChangeException(string source, Digest sourceDigest, Digest newDigest)
    : OciException("DigestWouldChange", OciErrorKind.InvalidArgument,
        $"Copying {source} with this platform filter would write {newDigest} instead of {sourceDigest}, and -RequireSameDigest forbids that; copy every platform, or drop -RequireSameDigest.");

/// <summary>A -Layer input that is neither a layer object (live or deserialized) nor a digest.</summary>
public sealed class InvalidLayerInputException(string input, string reason)
    : OciException("InvalidLayerInput", OciErrorKind.InvalidArgument,
        $"The layer input '{input}' {reason}. Give OciLayer objects (from New-OciLayer or Get-OciLayer, also after Import-Clixml or from a job), objects with a Digest property, or digests of blobs in the target.")
{
    public string Input { get; } = input;
}

/// <summary>A shard of a registry's repositories that does not exist (a count below 1, an index outside 0..count-1, or one without the other).</summary>
public sealed class InvalidShardException(string reason)
    : OciException("InvalidShard", OciErrorKind.InvalidArgument,
        $"{reason}. Give -ShardCount N (1 or more) and -ShardIndex I (0 to N-1) together.");

/// <summary>A file the operation would write is already there and -Force was not given.</summary>
public sealed class FileExistsException(string path)
    : OciException("FileSystemError", OciErrorKind.ResourceExists, $"'{path}' exists; use -Force to overwrite it.")
{
    public string Path { get; } = path;
}

/// <summary>A compression level that the chosen compression or encoder does not offer.</summary>
public sealed class UnknownCompressionLevelException(string level, string reason)
    : OciException("UnknownCompressionLevel", OciErrorKind.InvalidArgument, $"'{level}' is not a compression level here: {reason}");

/// <summary>A path that PowerShell cannot resolve here: a drive this system lacks (C:\ on Linux), a provider that is not a file system.</summary>
public sealed class InvalidPathException(string path, string reason)
    : OciException("InvalidPath", OciErrorKind.InvalidArgument, $"The path '{path}' cannot be used here: {reason}.")
{
    public string Path { get; } = path;
}
