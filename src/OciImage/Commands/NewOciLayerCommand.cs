using System;
using System.IO;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Stores;

namespace OciImage.Commands;

/// <summary>Builds a reproducible layer from a directory, into an OCI layout or a file.</summary>
[Cmdlet(VerbsCommon.New, "OciLayer", SupportsShouldProcess = true, DefaultParameterSetName = FileSet)]
[OutputType(typeof(OciLayer))]
public sealed class NewOciLayerCommand : OciCmdlet
{
    private const string FileSet = "File";
    private const string LayoutSet = "Layout";

    /// <summary>The directory whose content becomes the layer.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Where the content goes in the image, such as /app (default: the root).</summary>
    [Parameter(Position = 1)]
    public string Destination { get; set; } = "/";

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

    /// <summary>An OCI image layout to write the layer blob into (created if needed).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LayoutSet)]
    [ValidateNotNullOrEmpty]
    public string Layout { get; set; } = null!;

    /// <summary>A directory to write the layer file into (default: a folder in the temp directory).</summary>
    [Parameter(ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string? OutputDirectory { get; set; }

    /// <summary>Only what changed from this older tree goes into the layer, with whiteouts for deletions.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

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

    /// <summary>With -Base, one opaque marker for a directory whose old content all went, instead of a whiteout a name.</summary>
    [Parameter]
    public SwitchParameter OpaqueWhiteout { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Path, () =>
        {
            var source = ResolvePath(Path);
            var options = new LayerBuildOptions
            {
                Destination = Destination,
                Include = Include,
                Exclude = Exclude,
                Compression = Compressions.Parse(Compression),
                CompressionLevel = LayerCompressionLevel.Parse(CompressionLevel),
                GzipEncoder = string.Equals(GzipEncoder, "Portable", StringComparison.OrdinalIgnoreCase) ? Core.Layers.GzipEncoder.Portable : Core.Layers.GzipEncoder.Runtime,
                Timestamp = Timestamp?.ToUniversalTime() ?? ReproducibleTime.FromEnvironment().UtcDateTime,
                Owner = Owner,
                Group = Group,
                PreserveMode = PreserveMode,
                FileMode = Octal(FileMode),
                DirectoryMode = Octal(DirectoryMode),
                ExecutablePaths = ExecutablePath,
                BaseDirectory = Base is null ? null : ResolvePath(Base),
                OpaqueWhiteouts = OpaqueWhiteout,
            };

            var target = ParameterSetName == LayoutSet
                ? ResolvePath(Layout)
                : OutputDirectory is null ? Core.Layers.TempLayerFolder.Path : ResolvePath(OutputDirectory);
            if (!ShouldProcess(target, $"Build a layer from {source}"))
            {
                return;
            }

            var result = RunCore((messages, ct) => System.Threading.Tasks.Task.FromResult(BuildLayer(source, options, target, new LayerProgressReporter(messages, $"Building a layer from {source}"), ct)));
            var layoutReference = ParameterSetName == LayoutSet ? Reference.ForLayout(target) : null;

            WriteObject(new OciLayer
            {
                Reference = layoutReference?.ToString(),
                Index = 0,
                Digest = result.Digest.ToString(),
                DiffId = result.DiffId.ToString(),
                Size = result.Size,
                MediaType = result.MediaType,
                BlobPath = result.BlobPath,
                FileCount = result.FileCount,
                TarSize = result.TarSize,
                CreatedBy = $"New-OciLayer {System.IO.Path.GetFileName(source.TrimEnd('/', '\\'))} {Destination}",
            });
        });
    }

    private LayerBuildResult BuildLayer(string source, LayerBuildOptions options, string target, System.IProgress<LayerBuildProgress> progress, System.Threading.CancellationToken ct)
    {
        if (ParameterSetName == LayoutSet)
        {
            using var layout = OciLayoutStore.OpenOrCreate(target);
            return LayerBuilder.BuildIntoStore(source, options, layout, ct, progress);
        }

        if (string.Equals(target, Core.Layers.TempLayerFolder.Path, System.StringComparison.Ordinal))
        {
            Core.Layers.TempLayerFolder.Sweep();
        }

        return LayerBuilder.BuildIntoDirectory(source, options, target, ct, progress);
    }

    private static int? Octal(string? text) => text is null ? null : System.Convert.ToInt32(text, 8);
}
