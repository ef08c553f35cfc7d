using System.Collections.Generic;

namespace OciImage.Core.Analysis;

/// <summary>Two analysed images and the paths that differ between their file systems.</summary>
public sealed class FileComparison
{
    public FileComparison(ImageAnalysis reference, ImageAnalysis difference, IReadOnlyList<FileDifference> differences)
    {
        Reference = reference;
        Difference = difference;
        Differences = differences;
    }

    public ImageAnalysis Reference { get; }

    public ImageAnalysis Difference { get; }

    /// <summary>In byte order of their paths.</summary>
    public IReadOnlyList<FileDifference> Differences { get; }
}
