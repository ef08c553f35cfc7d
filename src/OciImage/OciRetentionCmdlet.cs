using OciImage.Core.Errors;
using OciImage.Core.Retention;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace OciImage;

/// <summary>
/// Retention as Remove-OciTag -Keep runs it: the engine's plan (what the keep-selection leaves out, with the bytes
/// each removal frees), one question for the whole and one a tag (-WhatIf lists them all), and each removal only if
/// the tag still names what was planned; a registry refusing deletion stops the run at its first refusal.
/// </summary>
public abstract class OciRetentionCmdlet : OciTagSelectionCmdlet
{
    /// <summary>Plans, asks once for the whole and once a tag, then removes each tag only if it still names what was planned.</summary>
    private protected void Retain(Core.Reference repository, Core.Selection.TagSelection keep)
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
