using System;

namespace OciImage.Core.Analysis;

/// <summary>How an image is analysed.</summary>
internal sealed class AnalysisOptions
{
    /// <summary>Hash every regular file's content (sha256), for comparisons by content; otherwise contents are skipped.</summary>
    public bool HashContent { get; init; }

    /// <summary>Layers read at once: fetched and decompressed in parallel, applied in order.</summary>
    public int Concurrency { get; init; } = Math.Max(2, Math.Min(8, Environment.ProcessorCount));

    /// <summary>The memory the paths kept may take, shared by every analysis run with these options (a comparison's two).</summary>
    public PathMemoryAllowance PathMemory { get; init; } = PathMemoryAllowance.ForThisProcess();
}
