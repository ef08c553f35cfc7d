using System;
using System.Collections.Generic;

namespace OciImage.Core.Layers;

/// <summary>How to turn a directory into a layer. Defaults give a reproducible layer.</summary>
public sealed class LayerBuildOptions
{
    /// <summary>Where the tree goes in the image (/app); empty for the root.</summary>
    public string Destination { get; init; } = string.Empty;

    public IReadOnlyList<string>? Include { get; init; }

    public IReadOnlyList<string>? Exclude { get; init; }

    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    /// <summary>How hard to compress (gzip and zstd); Optimal by default.</summary>
    public LayerCompressionLevel CompressionLevel { get; init; }

    /// <summary>
    /// Which deflate encoder writes gzip: the portable managed one (default: the same bytes on every runtime,
    /// and at least as fast as the runtime's at Optimal) or the runtime's zlib.
    /// </summary>
    public GzipEncoder GzipEncoder { get; init; } = GzipEncoder.Portable;

    /// <summary>Every entry's mtime. The caller decides (SOURCE_DATE_EPOCH, a parameter, or 1970).</summary>
    public DateTime Timestamp { get; init; } = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public int Owner { get; init; }

    public int Group { get; init; }

    /// <summary>Keep the source's permission bits instead of normalising them.</summary>
    public bool PreserveMode { get; init; }

    /// <summary>Mode for files (default 0644, or 0755 for executables).</summary>
    public int? FileMode { get; init; }

    /// <summary>Mode for directories (default 0755).</summary>
    public int? DirectoryMode { get; init; }

    /// <summary>Globs of files that get 0755 (for trees authored where there are no POSIX modes).</summary>
    public IReadOnlyList<string>? ExecutablePaths { get; init; }

    /// <summary>With a base tree, only the changes from it go into the layer, with whiteouts for deletions.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>
    /// With a base tree, a directory whose old content all went and that holds new content gets one opaque marker
    /// (.wh..wh..opq) instead of a whiteout for each old name. Off by default: the image spec says writers SHOULD
    /// use explicit whiteouts (readers MUST accept both), and older readers ignore the marker.
    /// </summary>
    public bool OpaqueWhiteouts { get; init; }

    /// <summary>Compression threads; null for one per core. The output is the same whatever it is.</summary>
    public int? Parallelism { get; init; }
}
