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
