using System.Linq;
using System.Management.Automation;
using OciImage.Core.Errors;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Rebases an image onto a new base without a rebuild (crane rebase): the old base's layers, proved by DiffID to
/// be the bottom of the image, are replaced by the new base's; every image of an index at once. By default the
/// old base is the recorded one and the new base is what its name gives now. Moves the tag (or sets -Tag).
/// </summary>
[Cmdlet(VerbsData.Update, "OciImageBase", SupportsShouldProcess = true)]
[OutputType(typeof(OciImageChange))]
public sealed class UpdateOciImageBaseCommand : OciRegistryCmdlet
{
    /// <summary>The image or index to rebase: REPOSITORY:TAG or oci:PATH:TAG. Its tag moves to the result.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>The base the image was built on (default: the recorded base.name at base.digest).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OldBase { get; set; }

    /// <summary>The base to move onto (default: the recorded base.name, as it is now).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewBase { get; set; }

    /// <summary>Writes the result under this tag instead of moving the reference's tag.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    /// <summary>The platforms of an index to rebase (by default every image; artifacts and attestations are left as they are).</summary>
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
            var oldBase = OldBase is null ? null : ResolveReference(OldBase);
            var newBase = NewBase is null ? null : ResolveReference(NewBase);
            if (!ShouldProcess(reference.WithoutIdentifier().WithTag(tag).ToString(), $"Rebase {reference} onto {NewBase ?? "its recorded base as it is now"} and point the tag at the result"))
            {
                return;
            }

            var change = RunCore((messages, ct) => BaseVerb.RebaseAsync(reference, tag, platforms, oldBase, newBase, StoreContext(messages), ct));
            WriteObject(new OciImageChange(change));
        });
    }
}
