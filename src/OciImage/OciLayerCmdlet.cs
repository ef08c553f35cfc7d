using System;
using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage;

/// <summary>
/// Base of the cmdlets that build a layer: the parameters that say which files go in and how their entries are
/// written and compressed, gathered into the engine's <see cref="NewLayerRequest"/>.
/// </summary>
public abstract class OciLayerCmdlet : OciCmdlet
{
    /// <summary>Only paths matching these globs (relative to -Path; * within a name, ** across directories).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Include { get; set; }

    /// <summary>Paths matching these globs are left out.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Exclude { get; set; }

    /// <summary>gzip (default), zstd or none.</summary>
    [Parameter]
    [ValidateSet("gzip", "zstd", "none")]
    public string Compression { get; set; } = "gzip";

    /// <summary>
    /// How hard to compress: Fastest, Optimal (default) or SmallestSize, or 1 (fastest) to 9 (smallest). For zstd,
    /// Optimal is zstd level 3, SmallestSize level 19, and a number is zstd's own level.
    /// </summary>
    [Parameter]
    [ValidateSet("Fastest", "Optimal", "SmallestSize", "1", "2", "3", "4", "5", "6", "7", "8", "9", IgnoreCase = true)]
    public string CompressionLevel { get; set; } = "Optimal";

    /// <summary>
    /// Which deflate encoder writes gzip: Portable (the default: the module's own; the same bytes on every runtime,
    /// CPU and core count) or Runtime (the runtime's zlib; its bytes change with the .NET version and platform).
    /// </summary>
    /// <remarks>A string, not the engine's enum: a public parameter type from the engine would load it before the module's resolver is in place.</remarks>
    [Parameter]
    [ValidateSet("Portable", "Runtime", IgnoreCase = true)]
    public string GzipEncoder { get; set; } = "Portable";

    /// <summary>Every entry's modification time (default: $env:SOURCE_DATE_EPOCH, else 1970-01-01).</summary>
    [Parameter]
    public DateTime? Timestamp { get; set; }

    /// <summary>The numeric owner of every entry (default 0).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Owner { get; set; }

    /// <summary>The numeric group of every entry (default 0).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Group { get; set; }

    /// <summary>Keeps the files' own permission bits instead of 0644/0755.</summary>
    [Parameter]
    public SwitchParameter PreserveMode { get; set; }

    /// <summary>The octal mode of every file, such as '0640'.</summary>
    [Parameter]
    [ValidatePattern("^0?[0-7]{3,4}$")]
    public string? FileMode { get; set; }

    /// <summary>The octal mode of every directory, such as '0750'.</summary>
    [Parameter]
    [ValidatePattern("^0?[0-7]{3,4}$")]
    public string? DirectoryMode { get; set; }

    /// <summary>Globs of files that get mode 0755 (for trees from Windows, which has no POSIX modes).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? ExecutablePath { get; set; }

    /// <summary>The request for a layer of <paramref name="source"/> (absolute paths), with these parameters' settings.</summary>
    private protected NewLayerRequest LayerRequest(string source, string destination, string? baseDirectory, bool opaqueWhiteouts, string? layout, string? outputDirectory) => new()
    {
        Source = source,
        Destination = destination,
        Include = Include,
        Exclude = Exclude,
        Compression = Compression,
        CompressionLevel = CompressionLevel,
        GzipEncoder = GzipEncoder,
        Timestamp = Timestamp,
        Owner = Owner,
        Group = Group,
        PreserveMode = PreserveMode,
        FileMode = FileMode,
        DirectoryMode = DirectoryMode,
        ExecutablePaths = ExecutablePath,
        BaseDirectory = baseDirectory,
        OpaqueWhiteouts = opaqueWhiteouts,
        Layout = layout,
        OutputDirectory = outputDirectory,
    };
}
