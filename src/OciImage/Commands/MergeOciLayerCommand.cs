using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Squashes an image's layers into one (crane flatten), or with -AboveBase only the layers above its base, which
/// stay as they are and so stay shared; every image of an index at once. Moves the tag (or sets -Tag).
/// </summary>
[Cmdlet(VerbsData.Merge, "OciLayer", SupportsShouldProcess = true)]
[OutputType(typeof(OciImageChange))]
public sealed class MergeOciLayerCommand : OciImageChangeCmdlet
{
    /// <summary>Squashes only the layers above the base the image records (org.opencontainers.image.base.name at .base.digest).</summary>
    [Parameter]
    public SwitchParameter AboveBase { get; set; }

    /// <summary>Squashes only the layers above this base (its layers must be the bottom of the image, by DiffID).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Base { get; set; }

    protected override void ProcessRecord() => ChangeImage(
        _ => Base is null ? null : ResolveReference(Base),
        (target, _) => $"Squash {(AboveBase || Base is not null ? "the layers above the base" : "all layers")} of {target.Source} into one and point the tag at the result",
        (target, baseReference, store, ct) => BaseVerb.SquashAsync(target.Source, target.Tag, target.Platforms, AboveBase, baseReference, store, ct));
}
