using System;
using System.Collections.Generic;
using OciImage.Core.Layers;

namespace OciImage.Core.Rewrite;

/// <summary>What Edit-OciImage (and Copy-OciImage -Compression) change in each image.</summary>
public sealed class RewriteOptions
{
    /// <summary>Paths to remove from every layer: wildcards (* ? [a-z]) over image paths; a directory takes what is below it.</summary>
    public IReadOnlyList<string>? RemovePaths { get; init; }

    /// <summary>Layers to remove by position: 0 the first (the base), -1 the last.</summary>
    public IReadOnlyList<int>? RemoveLayers { get; init; }

    /// <summary>Layers to remove whose history line (created_by) matches a wildcard, case-insensitive as -like.</summary>
    public IReadOnlyList<string>? RemoveLayersCreatedBy { get; init; }

    /// <summary>Every layer entry's mtime, the config's created and each history entry's created; null keeps them.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The compression of every layer; null keeps each layer's own.</summary>
    public LayerCompression? Compression { get; init; }

    public LayerCompressionLevel CompressionLevel { get; init; }

    /// <summary>Compression threads; null for one per core. The output is the same whatever it is.</summary>
    public int? Parallelism { get; init; }

    /// <summary>An image or index that changed records the digest it was rewritten from (a mirror's up-to-date check).</summary>
    public bool RecordSourceDigest { get; init; }

    internal bool ChangesLayers => (RemovePaths?.Count ?? 0) > 0 || Timestamp is not null || Compression is not null;
}
