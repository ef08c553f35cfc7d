using System.Collections.Generic;

namespace OciImage.Core.Errors;

/// <summary>A reference that names something other than a container image (an artifact: its config is not an image config).</summary>
public sealed class NotAnImageException(string reference, string configMediaType)
    : OciException("NotAnImage", OciErrorKind.InvalidArgument,
        $"{reference} is not a container image: its config has media type '{configMediaType}' (an artifact), so it has no file system to analyse.");

/// <summary>An image that fails one or more efficiency rules (Test-OciImage -MinimumEfficiency and the like), as dive --ci fails a build.</summary>
public sealed class ImageInefficientException(string reference, IReadOnlyList<string> failures)
    : OciException("ImageInefficient", OciErrorKind.LimitsExceeded,
        $"{reference} fails {failures.Count} efficiency rule{(failures.Count == 1 ? string.Empty : "s")}: {string.Join("; ", failures)}.")
{
    public IReadOnlyList<string> Failures { get; } = failures;
}

/// <summary>A layer that decompresses to more than analysis reads of it: a decompression bomb, or a layer of huge files of zeros.</summary>
public sealed class DecompressionLimitException(string what, long limit)
    : OciException("DecompressionLimitExceeded", OciErrorKind.LimitsExceeded,
        $"{what} decompresses to more than {limit} bytes, the most analysis and validation read of one layer (100 times its compressed size, at least 1 GiB); a decompression bomb stops here. Expand-OciImage -MaxSize can unpack it where it is legitimate.");

/// <summary>An image with more paths than an analysis may keep in memory: a hostile layer of empty entries, or one far larger than any real image.</summary>
public sealed class AnalysisLimitException(string what, long paths, long limit, string variable)
    : OciException("AnalysisLimitExceeded", OciErrorKind.LimitsExceeded,
        $"{what}: more paths than can be kept in memory here ({paths:N0} paths reached the {limit / (1024 * 1024):N0} MiB allowed: half the memory this process may use, unless {variable} sets it); nothing is reported. Set the environment variable {variable} to a number of bytes to allow more (in PowerShell: $env:{variable} = 16GB).")
{
    public long Paths { get; } = paths;

    public long Limit { get; } = limit;
}
