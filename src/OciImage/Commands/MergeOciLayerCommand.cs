using System.Linq;
using System.Management.Automation;
using OciImage.Core.Errors;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Squashes an image's layers into one (crane flatten), or with -AboveBase only the layers above its base, which
/// stay as they are and so stay shared; every image of an index at once. Moves the tag (or sets -Tag).
/// </summary>
[Cmdlet(VerbsData.Merge, "OciLayer", SupportsShouldProcess = true)]
[OutputType(typeof(OciImageChange))]
public sealed class MergeOciLayerCommand : OciRegistryCmdlet
{
    /// <summary>The image or index to squash: REPOSITORY:TAG or oci:PATH:TAG. Its tag moves to the result.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>Squashes only the layers above the base the image records (org.opencontainers.image.base.name at .base.digest).</summary>
    [Parameter]
    public SwitchParameter AboveBase { get; set; }

    /// <summary>Squashes only the layers above this base (its layers must be the bottom of the image, by DiffID).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    /// <summary>Writes the result under this tag instead of moving the reference's tag.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>The platforms of an index to squash (by default every image; artifacts and attestations are left as they are).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string[]? Platform { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Reference, () =>
        {
            var reference = ResolveReference(Reference);
            var tag = Tag ?? reference.Tag ?? throw new InvalidReferenceException(Reference, "name the tag to update (REPOSITORY:TAG), or give -Tag");
            var platforms = Platform?.Select(Core.Platform.Parse).ToList();
            var baseReference = Base is null ? null : ResolveReference(Base);
            var what = AboveBase || Base is not null ? "the layers above the base" : "all layers";
            if (!ShouldProcess(reference.WithoutIdentifier().WithTag(tag).ToString(), $"Squash {what} of {reference} into one and point the tag at the result"))
            {
                return;
            }

            var change = RunCore((messages, ct) => BaseVerb.SquashAsync(reference, tag, platforms, AboveBase, baseReference, StoreContext(messages), ct));
            WriteObject(new OciImageChange(change));
        });
    }
}
