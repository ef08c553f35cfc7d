using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Builds a reproducible layer from a directory, into an OCI layout or a file.</summary>
[Cmdlet(VerbsCommon.New, "OciLayer", SupportsShouldProcess = true, DefaultParameterSetName = FileSet)]
[OutputType(typeof(OciLayer))]
public sealed class NewOciLayerCommand : OciLayerCmdlet
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
    [ValidateNotNull]
    public string Destination { get; set; } = "/";

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

    /// <summary>With -Base, one opaque marker for a directory whose old content all went, instead of a whiteout a name.</summary>
    [Parameter]
    public SwitchParameter OpaqueWhiteout { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Path, () =>
        {
            var source = ResolvePath(Path);
            var request = LayerRequest(
                source,
                Destination,
                Base is null ? null : ResolvePath(Base),
                OpaqueWhiteout,
                ParameterSetName == LayoutSet ? ResolvePath(Layout) : null,
                OutputDirectory is null ? null : ResolvePath(OutputDirectory));
            if (!ShouldProcess(request.Target, $"Build a layer from {source}"))
            {
                return;
            }

            var result = RunCore((messages, ct) => Task.FromResult(LayerVerb.Build(request, messages, new LayerProgressReporter(messages, $"Building a layer from {source}"), ct)));
            WriteObject(new OciLayer
            {
                Reference = request.LayoutReference?.ToString(),
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
}
