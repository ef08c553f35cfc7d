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
public sealed class RemoveOciTagCommand : OciTagSelectionCmdlet
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

    /// <summary>Plans, asks once for the whole and once a tag, then removes each tag only if it still names what was planned.</summary>
    private void Retain(Core.Reference repository, Core.Selection.TagSelection keep)
    {
        var plan = RunCore((messages, ct) => RetentionPlanner.PlanAsync(repository, keep, StoreContext(messages), ct));
        foreach (var problem in plan.Problems)
        {
            WriteWarning($"{problem.Message} What that tag reaches is unknown, so the bytes freed may be off.");
        }

        var results = new List<OciTagRemoval>();
        var summary = $"Remove {plan.Removals.Count} tag(s), keep {plan.Kept.Count}; frees {SizeFormat.Human(plan.FreedBytes)} ({plan.FreedBytes} bytes) nothing kept uses";
        var whole = ShouldProcess($"Performing the operation \"{summary}\" on target \"{repository}\".", $"{summary} of {repository}?", "Confirm", out var reason);

        // -WhatIf lists every tag too; a "no" to the whole at -Confirm asks nothing more.
        var ask = whole || reason == ShouldProcessReason.WhatIf;
        OciException? refused = null;
        foreach (var planned in plan.Removals)
        {
            var target = repository.WithTag(planned.Tag);
            if (planned.Digest is not { } digest)
            {
                results.Add(new OciTagRemoval(repository, planned, false, planned.Error?.Message ?? "what it names is unknown"));
                if (planned.Error is { } error)
                {
                    WriteError(ErrorMapping.ToErrorRecord(error, target.ToString()));
                }

                continue;
            }

            if (refused is not null)
            {
                results.Add(new OciTagRemoval(repository, planned, false, refused.Message));
                continue;
            }

            var aliases = planned.KeptAliases.Count == 0 ? string.Empty : $"; the image stays, kept as {string.Join(", ", planned.KeptAliases)}";
            if (!ask || !ShouldProcess(target.ToString(), $"Remove tag (names {digest}; frees {SizeFormat.Human(planned.FreedBytes)} ({planned.FreedBytes} bytes) no kept tag uses{aliases})"))
            {
                results.Add(new OciTagRemoval(repository, planned, false, "WhatIf or declined"));
                continue;
            }

            try
            {
                RunCore((messages, ct) => TagVerb.UntagIfAsync(target, digest, StoreContext(messages), ct));
                results.Add(new OciTagRemoval(repository, planned, true, null));
            }
            catch (OciException failure)
            {
                results.Add(new OciTagRemoval(repository, planned, false, failure.Message));
                WriteError(ErrorMapping.ToErrorRecord(failure, target.ToString()));

                // A registry refusing deletion refuses every tag: one error, and nothing more is tried.
                if (failure is OperationNotSupportedException)
                {
                    refused = failure;
                }
            }
        }

        WriteObject(new OciRetention(plan, results.ToArray()));
    }
}
