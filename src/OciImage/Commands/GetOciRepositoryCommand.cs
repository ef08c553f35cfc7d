using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core.Registry;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Lists the repositories of a registry (its catalog), page by page; -ShardCount/-ShardIndex keep one shard of them.</summary>
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

    /// <summary>Splits the repositories into this many shards (by a stable hash of the name); with -ShardIndex.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int ShardCount { get; set; }

    /// <summary>Returns only the repositories of this shard, 0 to ShardCount-1.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int ShardIndex { get; set; }

    private RepositoryShard? _shard;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            _shard = RepositoryShard.FromParameters(
                MyInvocation.BoundParameters.ContainsKey(nameof(ShardCount)) ? ShardCount : null,
                MyInvocation.BoundParameters.ContainsKey(nameof(ShardIndex)) ? ShardIndex : null);
        }
        catch (Core.Errors.InvalidShardException ex)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null));
        }
    }

    protected override void ProcessRecord()
    {
        WildcardPattern? pattern = null;
        try
        {
            pattern = Name is null ? null : CheckedWildcard.Get(Name, WildcardOptions.IgnoreCase);
        }
        catch (Core.Errors.InvalidSelectionException ex)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, Name));
        }

        var shard = _shard;
        foreach (var text in Registry)
        {
            ForEachInput(text, () =>
            {
                var registry = RegistryName.Normalise(text);
                RunCore(async (messages, ct) =>
                {
                    var options = CallOptions();
                    var context = new StoreContext(Sessions, RegistryName.SchemeOf(text) is { } scheme ? options.WithScheme(scheme) : options, messages);
                    await foreach (var name in RegistryVerb.CatalogAsync(registry, context, ct).ConfigureAwait(false))
                    {
                        if ((pattern is null || pattern.IsMatch(name)) && (shard is null || shard.Contains(name)))
                        {
                            messages.Emit(new OciRepository(registry, name));
                        }
                    }
                });
            });
        }
    }
}
