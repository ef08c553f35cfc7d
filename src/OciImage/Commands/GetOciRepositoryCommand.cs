using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Registry;

namespace OciImage.Commands;

/// <summary>Lists the repositories of a registry (its catalog), page by page.</summary>
[Cmdlet(VerbsCommon.Get, "OciRepository")]
[OutputType(typeof(OciRepository))]
public sealed class GetOciRepositoryCommand : OciRegistryCmdlet
{
    /// <summary>The registry host[:port].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Registry { get; set; } = null!;

    /// <summary>Only repositories whose name matches this wildcard pattern.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var pattern = Name is null ? null : new WildcardPattern(Name, WildcardOptions.IgnoreCase);
        foreach (var text in Registry)
        {
            ForEachInput(text, () =>
            {
                var registry = RegistryName.Normalise(text);
                RunCore(async (messages, ct) =>
                {
                    var client = new RegistryClient(registry, Sessions, CallOptions(), messages);
                    await foreach (var name in client.CatalogAsync(ct).ConfigureAwait(false))
                    {
                        if (pattern is null || pattern.IsMatch(name))
                        {
                            messages.Emit(new OciRepository(registry, name));
                        }
                    }

                    return 0;
                });
            });
        }
    }
}
