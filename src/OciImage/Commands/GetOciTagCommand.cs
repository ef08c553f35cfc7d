using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core.Stores;

namespace OciImage.Commands;

/// <summary>Lists the tags of a repository or an OCI layout.</summary>
[Cmdlet(VerbsCommon.Get, "OciTag")]
[OutputType(typeof(OciTag))]
public sealed class GetOciTagCommand : OciCmdlet
{
    /// <summary>The repository (REGISTRY/REPOSITORY) or layout (oci:PATH); a tag or digest on it is ignored.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Reference { get; set; } = null!;

    /// <summary>Only tags that match this wildcard pattern.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text).WithoutIdentifier();
                var tags = RunCore(async (_, ct) =>
                {
                    using var store = ImageStores.OpenForRead(reference);
                    if (store is OciLayoutStore layout)
                    {
                        // A layout knows each tag's digest without another read.
                        return layout.ReadIndex().Manifests
                            .Where(e => e.RefName is not null)
                            .GroupBy(e => e.RefName!)
                            .Select(g => new OciTag(reference, g.Key, g.Last().Digest, g.Last().MediaType))
                            .ToList();
                    }

                    var list = new List<OciTag>();
                    await foreach (var tag in store.ListTagsAsync(ct).ConfigureAwait(false))
                    {
                        list.Add(new OciTag(reference, tag, null, null));
                    }

                    return list;
                });

                foreach (var tag in tags)
                {
                    if (pattern is null || pattern.IsMatch(tag.Tag))
                    {
                        WriteObject(tag);
                    }
                }
            });
        }
    }
}
