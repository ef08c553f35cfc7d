using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Lists the tags of a repository or an OCI layout.</summary>
[Cmdlet(VerbsCommon.Get, "OciTag")]
[OutputType(typeof(OciTag))]
public sealed class GetOciTagCommand : OciRegistryCmdlet
{
    /// <summary>The repository (REGISTRY/REPOSITORY) or layout (oci:PATH); a tag or digest on it is ignored.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>Only tags that match this wildcard pattern.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    private static void Emit(EngineMessages messages, WildcardPattern? pattern, OciTag tag)
    {
        if (pattern is null || pattern.IsMatch(tag.Tag))
        {
            // A registry's tag list has no digests (one request a page, no more): such tags take a view without
            // the Digest column rather than show it empty.
            var shown = new PSObject(tag);
            if (tag.Digest is null)
            {
                shown.TypeNames.Insert(0, "OciImage.OciTag#WithoutDigest");
            }

            messages.Emit(shown);
        }
    }

    protected override void ProcessRecord()
    {
        var pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text).WithoutIdentifier();
                RunCore(async (messages, ct) =>
                {
                    // Tags go down the pipeline as they come (a registry's page by page).
                    await foreach (var tagged in ReadVerb.TagsAsync(reference, StoreContext(messages), ct).ConfigureAwait(false))
                    {
                        Emit(messages, pattern, new OciTag(reference, tagged.Tag, tagged.Manifest?.Digest, tagged.Manifest?.MediaType));
                    }
                });
            });
        }
    }
}
