using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Composes an image (or an OCI artifact) from layers, an optional base and config settings, and tags it.</summary>
[Cmdlet(VerbsCommon.New, "OciImage", SupportsShouldProcess = true, DefaultParameterSetName = DestinationSet)]
[OutputType(typeof(OciManifest))]
public sealed class NewOciImageCommand : OciComposeCmdlet
{
    private const string DestinationSet = "Destination";
    private const string LayoutSet = "Layout";
    private readonly List<object> _layers = new();

    /// <summary>Layers to add, in order: OciLayer objects (from New-OciLayer; also deserialized), objects with a Digest property, or digests of blobs in the target.</summary>
    [Parameter(ValueFromPipeline = true)]
    [AllowEmptyCollection]
    public object[]? Layer { get; set; }

    /// <summary>Where to write: oci:PATH:TAG or REGISTRY/REPOSITORY:TAG.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DestinationSet)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>An OCI image layout to write into (created if needed); with -Tag.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LayoutSet)]
    [ValidateNotNullOrEmpty]
    public string Layout { get; set; } = null!;

    /// <summary>The tag in the layout.</summary>
    [Parameter(ParameterSetName = LayoutSet)]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>A base image: its layers, config and history are kept; the new layers go on top.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>The image's platform (default: the base's, else linux/amd64); with -Base, also picks from a base index.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>OCI (default) or Docker media types, for registries that need Docker v2 manifests.</summary>
    [Parameter]
    [ValidateSet("OCI", "Docker")]
    public string MediaTypeStyle { get; set; } = "OCI";

    /// <summary>Makes an OCI artifact of this type, with the empty config (an SBOM, a signature).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ArtifactType { get; set; }

    /// <summary>The image this one refers to (for artifacts): listed by Get-OciReferrer on it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Subject { get; set; }

    /// <summary>Files to attach as artifact layers (each with -FileMediaType and its file name as title).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? File { get; set; }

    /// <summary>The media type of the -File blobs (default application/octet-stream).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string FileMediaType { get; set; } = "application/octet-stream";

    protected override void ProcessRecord()
    {
        if (Layer is not null)
        {
            _layers.AddRange(Layer);
        }
    }

    protected override void EndProcessing()
    {
        ForEachInput(Destination ?? Layout, () =>
        {
            var destination = ParameterSetName == LayoutSet
                ? Reference.ForLayout(ResolvePath(Layout), Tag)
                : ResolveReference(Destination!);
            ComposeTarget.RequireTagOrLayout(destination);
            var platform = ParsePlatform(Platform);
            var baseReference = Base is null ? null : ResolveReference(Base);
            var subjectReference = Subject is null ? null : ResolveReference(Subject);
            var files = File?.Select(f => ResolvePath(f)).ToList();
            var compose = ConfigRequest(platform, MediaTypeStyle == "Docker" ? Core.Images.MediaTypeStyle.Docker : Core.Images.MediaTypeStyle.Oci, ArtifactType);
            var inputs = _layers.Select(LayerInput.From).ToList();
            if (!ShouldProcess(destination.ToString(), "Write image"))
            {
                return;
            }

            var request = new NewImageRequest
            {
                Destination = destination,
                Base = baseReference,
                Platform = platform,
                Subject = subjectReference,
                Layers = inputs,
                Files = files ?? new List<string>(),
                FileMediaType = FileMediaType,
                Compose = compose,
            };
            var manifest = RunCore((messages, ct) => ComposeVerb.NewImageAsync(request, StoreContext(messages), ct));
            WriteObject(new OciManifest(new ResolvedImage(destination.WithDigest(manifest.Digest), manifest.ToDescriptor(), manifest, null)));
        });
    }
}
