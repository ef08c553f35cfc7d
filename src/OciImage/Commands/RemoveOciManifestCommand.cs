using System.Linq;
using System.Management.Automation;
using OciImage.Core.Retention;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Deletes an image manifest by digest, and with it every tag that names it (named in -WhatIf and the
/// confirmation); with -IncludeReferrers its signatures, SBOMs and attestations too, and nothing else.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "OciManifest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOciManifestCommand : OciRegistryCmdlet
{
    /// <summary>The image: REPOSITORY@DIGEST (a tag is resolved to its digest first), or the oci: forms.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>Also deletes what refers to it (OCI 1.1 subject: the referrers API or the sha256-HEX fallback tag), and what refers to those.</summary>
    [Parameter]
    public SwitchParameter IncludeReferrers { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                var plan = RunCore((messages, ct) => ManifestRemovalVerb.PlanAsync(reference, IncludeReferrers, StoreContext(messages), ct));
                var pinned = reference.WithoutIdentifier().WithDigest(plan.Digest);
                if (!ShouldProcess(pinned.ToString(), Describe(plan)))
                {
                    return;
                }

                RunCore(async (messages, ct) =>
                {
                    await ManifestRemovalVerb.DeleteAsync(plan, StoreContext(messages), ct).ConfigureAwait(false);
                });
            });
        }
    }

    /// <summary>Everything that goes, by name: the question -Confirm asks and the line -WhatIf writes.</summary>
    private static string Describe(ManifestRemoval plan)
    {
        var what = "Delete the manifest";
        what += plan.Tags.Count == 0 ? " (no tag names it)" : $" and the tag(s) {string.Join(", ", plan.Tags)}";
        if (plan.Referrers.Count > 0)
        {
            var referrers = plan.Referrers.Select(r => $"{r.ArtifactType ?? r.MediaType} {r.Digest}");
            what += $", with {plan.Referrers.Count} referrer(s): {string.Join(", ", referrers)}";
        }

        if (plan.ReferrerTags.Count > 0)
        {
            what += $"; the referrers' tag(s) {string.Join(", ", plan.ReferrerTags)}";
        }

        if (plan.FallbackIndexes.Count > 0)
        {
            what += $"; the referrers fallback tag(s) {string.Join(", ", plan.FallbackIndexes.Select(f => f.Tag))}";
        }

        return what;
    }
}
