using System.Collections.Generic;
using System.Management.Automation;
using OciImage.Core.Images;
using OciImage.Core.Stores;

namespace OciImage.Commands;

/// <summary>Appends layers to an existing image and moves its tag to the result (crane append).</summary>
[Cmdlet(VerbsCommon.Add, "OciLayer", SupportsShouldProcess = true)]
[OutputType(typeof(OciManifest), typeof(OciImageChange))]
public sealed class AddOciLayerCommand : OciComposeCmdlet
{
    private readonly List<object> _layers = new();

    /// <summary>The image to extend: REPOSITORY:TAG or oci:PATH:TAG. Its tag moves to the new image.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>Layers to append: OciLayer objects (from New-OciLayer; also deserialized), objects with a Digest property, or digests of blobs in the store.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public object[] Layer { get; set; } = null!;

    /// <summary>Writes the result under this tag instead of moving the reference's tag.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>The platform to extend of a multi-platform index (by default every image in it; artifacts and attestations are always left as they are).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string[]? Platform { get; set; }

    protected override void ProcessRecord() => _layers.AddRange(Layer);

    protected override void EndProcessing() => Mutate(Reference, Tag, Platform, _layers);
}
