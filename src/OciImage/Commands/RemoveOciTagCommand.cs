using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core.Errors;
using OciImage.Core.Retention;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Removes tags; the images they named stay (use Remove-OciManifest to delete an image). With -Keep, the
/// selection parameters say which tags of a repository to keep and every other tag is removed (retention):
/// -WhatIf lists each with its digest and the bytes it frees, and a tag that names another image than when
/// the run listed it is not removed.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "OciTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = TagSet)]
[OutputType(typeof(void), ParameterSetName = new[] { TagSet })]
[OutputType(typeof(OciRetention), ParameterSetName = new[] { KeepSet })]
public sealed class RemoveOciTagCommand : OciRetentionCmdlet
{
    private const string TagSet = "Tag";
    private const string KeepSet = "Keep";

    /// <summary>The tag to remove, as REPOSITORY:TAG or oci:PATH:TAG; with -Keep, the repository or layout.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>The selection parameters (-Newest, -CreatedSince, -Name, ...) name the tags to keep; every other tag goes.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeepSet)]
    public SwitchParameter Keep { get; set; }

    /// <summary>With -Keep: keep the tags that match one of these wildcard patterns (case-sensitive, as tags are).</summary>
    [Parameter(ParameterSetName = KeepSet)]
    [Alias("Include")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override string[]? IncludeWildcards => Name;

    protected override void ProcessRecord()
    {
        var keep = TagSelection();
        if (!Keep && keep is not null)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(new InvalidSelectionException("call", "Remove-OciTag with a selection but without -Keep", "the selection parameters say which tags to keep: add -Keep (every other tag of the repository is then removed; try -WhatIf first)"), null));
        }

        if (Keep && keep is null)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(new InvalidSelectionException("call", "Remove-OciTag -Keep without a selection", "give the tags to keep (-Newest, -CreatedSince, -Name, -VersionRange, ...): -Keep alone would remove every tag"), null));
        }

        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                if (Keep)
                {
                    Retain(reference.WithoutIdentifier(), keep!);
                    return;
                }

                if (reference.Tag is null)
                {
                    throw new InvalidReferenceException(text, "name the tag to remove (REPOSITORY:TAG)");
                }

                if (!ShouldProcess(reference.ToString(), "Remove tag"))
                {
                    return;
                }

                RunCore(async (messages, ct) =>
                {
                    await TagVerb.UntagAsync(reference, StoreContext(messages), ct).ConfigureAwait(false);
                });
            });
        }
    }
}
