using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Images;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Builds a multi-platform image index from images already in the target, and tags it.</summary>
[Cmdlet(VerbsCommon.New, "OciIndex", SupportsShouldProcess = true, DefaultParameterSetName = DestinationSet)]
[OutputType(typeof(OciIndex))]
public sealed class NewOciIndexCommand : OciRegistryCmdlet
{
    private const string DestinationSet = "Destination";
    private const string LayoutSet = "Layout";
    private readonly List<string> _manifests = new();

    /// <summary>The images to list (their Reference binds from OciManifest objects); each must be in the target.</summary>
    [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Reference")]
    [AllowEmptyCollection]
    public string[]? Manifest { get; set; }

    /// <summary>Where to write: oci:PATH:TAG or REGISTRY/REPOSITORY:TAG.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = DestinationSet)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>An OCI image layout to write into; with -Tag.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LayoutSet)]
    [ValidateNotNullOrEmpty]
    public string Layout { get; set; } = null!;

    /// <summary>The tag in the layout.</summary>
    [Parameter(ParameterSetName = LayoutSet)]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>An existing index to start from: its entries stay unless replaced (same platform) or removed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>Platforms to drop from the -Base index.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? RemovePlatform { get; set; }

    /// <summary>Annotations on the index.</summary>
    [Parameter]
    public System.Collections.Hashtable? Annotation { get; set; }

    /// <summary>OCI (default) or Docker (a manifest list).</summary>
    [Parameter]
    [ValidateSet("OCI", "Docker")]
    public string MediaTypeStyle { get; set; } = "OCI";

    protected override void ProcessRecord()
    {
        if (Manifest is not null)
        {
            _manifests.AddRange(Manifest);
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
            var manifests = _manifests.Select(ResolveReference).ToList();
            var baseReference = Base is null ? null : ResolveReference(Base);
            var remove = RemovePlatform?.Select(p => Platform.Parse(p)).ToList();
            var annotations = HashtableParameter.Annotations(Annotation);
            if (!ShouldProcess(destination.ToString(), $"Write an index of {manifests.Count} images"))
            {
                return;
            }

            var request = new NewIndexRequest { Destination = destination, Manifests = manifests, Base = baseReference, RemovePlatforms = remove, Annotations = annotations, Docker = MediaTypeStyle == "Docker" };
            var index = RunCore((messages, ct) => ComposeVerb.NewIndexAsync(request, StoreContext(messages), ct));
            WriteObject(new OciIndex(new ResolvedImage(destination.WithDigest(index.Digest), index.ToDescriptor(), index, null)));
        });
    }
}
