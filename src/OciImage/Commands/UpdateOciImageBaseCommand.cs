using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Rebases an image onto a new base without a rebuild (crane rebase): the old base's layers, proved by DiffID to
/// be the bottom of the image, are replaced by the new base's; every image of an index at once. By default the
/// old base is the recorded one and the new base is what its name gives now. Moves the tag (or sets -Tag).
/// </summary>
[Cmdlet(VerbsData.Update, "OciImageBase", SupportsShouldProcess = true)]
[OutputType(typeof(OciImageChange))]
public sealed class UpdateOciImageBaseCommand : OciImageChangeCmdlet
{
    /// <summary>The base the image was built on (default: the recorded base.name at base.digest).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OldBase { get; set; }

    /// <summary>The base to move onto (default: the recorded base.name, as it is now).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewBase { get; set; }

    protected override void ProcessRecord() => ChangeImage(
        _ => (Old: OldBase is null ? null : ResolveReference(OldBase), New: NewBase is null ? null : ResolveReference(NewBase)),
        (target, _) => $"Rebase {target.Source} onto {NewBase ?? "its recorded base as it is now"} and point the tag at the result",
        (target, bases, store, ct) => BaseVerb.RebaseAsync(target.Source, target.Tag, target.Platforms, bases.Old, bases.New, store, ct));
}
