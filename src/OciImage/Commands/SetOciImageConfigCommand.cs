using System.Management.Automation;

namespace OciImage.Commands;

/// <summary>Changes an image's config (entrypoint, env, labels...) keeping its layers, and moves its tag (crane mutate).</summary>
[Cmdlet(VerbsCommon.Set, "OciImageConfig", SupportsShouldProcess = true)]
[OutputType(typeof(OciManifest), typeof(OciImageChange))]
public sealed class SetOciImageConfigCommand : OciComposeCmdlet
{
    /// <summary>The image to change: REPOSITORY:TAG or oci:PATH:TAG. Its tag moves to the new image.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>Writes the result under this tag instead of moving the reference's tag.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>The platform to change of a multi-platform index (by default every image in it; artifacts and attestations are always left as they are).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string[]? Platform { get; set; }

    protected override void ProcessRecord() =>
        Mutate(Reference, Tag, Platform, System.Array.Empty<object>());
}
