using System;
using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core.Selection;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Lists the tags of a repository, layout or archive; selects them (wildcards, a regular expression, a version
/// range, a variant, created dates, the newest N) by the engine's one tag-selection rule, shared with mirroring
/// and retention; and, with -Detail, fetches what each tag names (each field's request cost is in the help).
/// </summary>
[Cmdlet(VerbsCommon.Get, "OciTag")]
[OutputType(typeof(OciTag))]
public sealed class GetOciTagCommand : OciTagSelectionCmdlet
{
    /// <summary>The repository (REGISTRY/REPOSITORY) or layout (oci:PATH); a tag or digest on it is ignored.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>Only tags that match one of these wildcard patterns; case-sensitive, as tags are.</summary>
    [Parameter(Position = 1)]
    [Alias("Include")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override string[]? IncludeWildcards => Name;

    /// <summary>What to fetch for each tag: Digest (a HEAD), Manifest (platforms, sizes), Created (the config), Referrers, or All.</summary>
    [Parameter]
    [ValidateSet("Digest", "Manifest", "Created", "Referrers", "All")]
    public string[]? Detail { get; set; }

    protected override void ProcessRecord()
    {
        var selection = TagSelection();
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text).WithoutIdentifier();
                RunCore(async (messages, ct) =>
                {
                    // Without a selection or details, tags go down the pipeline as they come (a registry's page by page).
                    await foreach (var listed in TagListVerb.ListAsync(reference, selection, Fields(Detail), StoreContext(messages), ct).ConfigureAwait(false))
                    {
                        if (listed.Details?.Error is { } failure)
                        {
                            messages.Error(failure, reference.WithTag(listed.Tag).ToString());
                            continue;
                        }

                        messages.Emit(OciTag.Shown(new OciTag(reference, listed)));
                    }
                });
            });
        }
    }

    private static TagDetailFields Fields(string[]? names)
    {
        var fields = TagDetailFields.None;
        foreach (var name in names ?? Array.Empty<string>())
        {
            fields |= (TagDetailFields)Enum.Parse(typeof(TagDetailFields), name, ignoreCase: true);
        }

        return fields;
    }
}
