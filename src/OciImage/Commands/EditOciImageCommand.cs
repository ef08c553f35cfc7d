using System;
using System.Management.Automation;
using OciImage.Core.Layers;
using OciImage.Core.Rewrite;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Changes an image without rebuilding it (regctl image mod, crane mutate): removes files from every layer, removes
/// layers, sets every time, recompresses; on an index, every image in it. Edit is PowerShell's verb for changing
/// existing data by adding or removing content; the result is a new image, written where -Destination or -Tag says.
/// </summary>
[Cmdlet(VerbsData.Edit, "OciImage", SupportsShouldProcess = true)]
[OutputType(typeof(OciImageEdit))]
public sealed class EditOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The image or index to change: REPOSITORY:TAG or oci:PATH:TAG.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>Where the changed image goes (a repository or layout, with or without :TAG); default: the reference's own repository.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>The tag of the changed image; default: the destination's tag, else the reference's (which then moves).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>Paths to remove from every layer (wildcards; a directory takes everything below it), with their whiteouts and hard links.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? RemovePath { get; set; }

    /// <summary>Layers to remove by position: 0 is the first (the base), -1 the last.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public int[]? RemoveLayer { get; set; }

    /// <summary>Layers to remove whose history line (created_by) is -like one of these.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? RemoveLayerCreatedBy { get; set; }

    /// <summary>Sets every layer entry's time, the config's created and every history entry's created.</summary>
    [Parameter]
    public DateTime? Timestamp { get; set; }

    /// <summary>As -Timestamp, with the time $env:SOURCE_DATE_EPOCH gives (an error when it is not set).</summary>
    [Parameter]
    public SwitchParameter SourceDateEpoch { get; set; }

    /// <summary>Recompresses every layer not already in gzip, zstd or none; the tar bytes, and DiffIDs, stay.</summary>
    [Parameter]
    [ValidateSet("gzip", "zstd", "none")]
    public string? Compression { get; set; }

    /// <summary>How hard to compress: Fastest, Optimal (default), SmallestSize, or 1 to 9 (for zstd, its own level).</summary>
    [Parameter]
    [ValidateSet("Fastest", "Optimal", "SmallestSize", "1", "2", "3", "4", "5", "6", "7", "8", "9", IgnoreCase = true)]
    public string CompressionLevel { get; set; } = "Optimal";

    protected override void ProcessRecord()
    {
        ForEachInput(Reference, () =>
        {
            var source = ResolveReference(Reference);
            var destination = EditVerb.DestinationFor(source, Destination is null ? null : ResolveReference(Destination), Tag);
            var options = new RewriteOptions
            {
                RemovePaths = RemovePath,
                RemoveLayers = RemoveLayer,
                RemoveLayersCreatedBy = RemoveLayerCreatedBy,
                Timestamp = SourceDateEpoch
                    ? EditVerb.SourceDateEpoch(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"))
                    : Timestamp is { } time ? new DateTimeOffset(time.ToUniversalTime()) : null,
                Compression = Compression is null ? null : (LayerCompression)Enum.Parse(typeof(LayerCompression), Compression, ignoreCase: true),
                CompressionLevel = LayerCompressionLevel.Parse(CompressionLevel),
            };
            if (!ShouldProcess(destination.ToString(), $"Write a changed copy of {source}"))
            {
                return;
            }

            var result = RunCore((messages, ct) => EditVerb.EditAsync(source, destination, options, StoreContext(messages), StoreContext(messages), ct));
            WriteObject(new OciImageEdit(result));
        });
    }
}
