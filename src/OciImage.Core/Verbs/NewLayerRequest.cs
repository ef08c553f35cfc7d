using System;
using System.Collections.Generic;
using OciImage.Core.Layers;

namespace OciImage.Core.Verbs;

/// <summary>
/// What New-OciLayer asks for, as the user gave it: compression, level, encoder and modes as text (parsed here,
/// once), and where the layer goes (a layout, a folder, or the temp layer folder). Paths are absolute.
/// </summary>
public sealed class NewLayerRequest
{
    /// <summary>The directory whose content becomes the layer.</summary>
    public string Source { get; init; } = null!;

    /// <summary>Where the content goes in the image (/app); / for the root.</summary>
    public string Destination { get; init; } = "/";

    public IReadOnlyList<string>? Include { get; init; }

    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>gzip, zstd or none.</summary>
    public string Compression { get; init; } = "gzip";

    /// <summary>Fastest, Optimal, SmallestSize or 1 to 9.</summary>
    public string CompressionLevel { get; init; } = "Optimal";

    /// <summary>Portable (the module's own deflate encoder) or Runtime (the runtime's zlib), any case.</summary>
    public string GzipEncoder { get; init; } = "Portable";

    /// <summary>Every entry's modification time; null for SOURCE_DATE_EPOCH, else 1970-01-01.</summary>
    public DateTime? Timestamp { get; init; }

    public int Owner { get; init; }

    public int Group { get; init; }

    public bool PreserveMode { get; init; }

    /// <summary>Octal text, such as 0640.</summary>
    public string? FileMode { get; init; }

    /// <summary>Octal text, such as 0750.</summary>
    public string? DirectoryMode { get; init; }

    public IReadOnlyList<string>? ExecutablePaths { get; init; }

    /// <summary>An older tree: only what changed from it goes into the layer, with whiteouts.</summary>
    public string? BaseDirectory { get; init; }

    public bool OpaqueWhiteouts { get; init; }

    /// <summary>An OCI layout to write the blob into (created if needed); else a file in <see cref="OutputDirectory"/>.</summary>
    public string? Layout { get; init; }

    /// <summary>The folder for the layer file; null for the temp layer folder (swept of day-old layers first).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Where the layer is written: the layout, the output folder, or the temp layer folder.</summary>
    public string Target => Layout ?? OutputDirectory ?? TempLayerFolder.Path;

    /// <summary>The layout as a reference, when the layer goes into one.</summary>
    public Reference? LayoutReference => Layout is null ? null : Reference.ForLayout(Layout);

    /// <summary>The builder's options, parsed from the text the user gave.</summary>
    public LayerBuildOptions ToOptions() => new()
    {
        Destination = Destination,
        Include = Include,
        Exclude = Exclude,
        Compression = Compressions.Parse(Compression),
        CompressionLevel = LayerCompressionLevel.Parse(CompressionLevel),
        GzipEncoder = string.Equals(GzipEncoder, "Portable", StringComparison.OrdinalIgnoreCase) ? Layers.GzipEncoder.Portable : Layers.GzipEncoder.Runtime,
        Timestamp = Timestamp?.ToUniversalTime() ?? ReproducibleTime.FromEnvironment().UtcDateTime,
        Owner = Owner,
        Group = Group,
        PreserveMode = PreserveMode,
        FileMode = Octal(FileMode),
        DirectoryMode = Octal(DirectoryMode),
        ExecutablePaths = ExecutablePaths,
        BaseDirectory = BaseDirectory,
        OpaqueWhiteouts = OpaqueWhiteouts,
    };

    private static int? Octal(string? text) => text is null ? null : Convert.ToInt32(text, 8);
}
