using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Mirror;
using OciImage.Core.Registry;
using OciImage.Core.Transports;

namespace OciImage;

/// <summary>
/// Sync-OciRepository's options and the steps around its one verb: a mapping from parameters, each mapping's plan
/// (an error names the mapping and the others go on), the approval of each change (-WhatIf lists them; a prune,
/// which removes tags, asks again unless -Force), and the contexts of each side.
/// </summary>
public abstract class OciSyncCmdlet : OciTagSelectionCmdlet
{
    /// <summary>Only tags that match one of these wildcard patterns; case-sensitive, as tags are.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Include { get; set; }

    protected override string[]? IncludeWildcards => Include;

    /// <summary>Only these platforms of each index (a smaller index is written; it records the source's digest).</summary>
    [Parameter(ParameterSetName = "Mapping")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string[]? Platform { get; set; }

    /// <summary>With one -Platform: mirror that image alone, not an index.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    public SwitchParameter Single { get; set; }

    /// <summary>Also mirrors the signatures, SBOMs and other artifacts that refer to each image.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    public SwitchParameter IncludeReferrers { get; set; }

    /// <summary>Refuses any image whose destination digest would differ from the source's.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    public SwitchParameter RequireSameDigest { get; set; }

    /// <summary>Re-encodes layers in gzip, zstd or none (DiffIDs kept, digests change; the result records its source digest).</summary>
    [Parameter(ParameterSetName = "Mapping")]
    [ValidateSet("gzip", "zstd", "none")]
    public string? Compression { get; set; }

    /// <summary>With -Compression: Fastest, Optimal (default), SmallestSize, or 1 to 9.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    [ValidateSet("Fastest", "Optimal", "SmallestSize", "1", "2", "3", "4", "5", "6", "7", "8", "9", IgnoreCase = true)]
    public string CompressionLevel { get; set; } = "Optimal";

    /// <summary>Removes destination tags that are not in the source selection (asks first unless -Force).</summary>
    [Parameter(ParameterSetName = "Mapping")]
    public SwitchParameter Prune { get; set; }

    /// <summary>Returns the plan as objects, applies nothing: save it, review it, pipe it back to apply it.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    [Parameter(ParameterSetName = "File")]
    public SwitchParameter Plan { get; set; }

    /// <summary>Prunes without asking for each tag.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Images mirrored at once (default 4); each moves up to 4 blobs at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>Splits the work into this many shards (by a stable hash of REPOSITORY:TAG); with -ShardIndex.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    [Parameter(ParameterSetName = "File")]
    [ValidateRange(1, int.MaxValue)]
    public int ShardCount { get; set; }

    /// <summary>Mirrors only this shard's images, 0 to ShardCount-1.</summary>
    [Parameter(ParameterSetName = "Mapping")]
    [Parameter(ParameterSetName = "File")]
    [ValidateRange(0, int.MaxValue)]
    public int ShardIndex { get; set; }

    /// <summary>Credentials for the source registry only.</summary>
    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? SourceCredential { get; set; }

    /// <summary>Credentials for the destination registry only.</summary>
    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? DestinationCredential { get; set; }

    /// <summary>
    /// Starts no manifest GET once a registry's remaining pull quota (its ratelimit-remaining header) is down to this;
    /// HEADs go on, images in flight finish, and the rest are reported NotStarted.
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? RateLimitReserve
    {
        get => Reserve;
        set => Reserve = value;
    }

    protected OciSyncCmdlet() => Ledger = new RequestLedger(); // every request of the run, planning included

    /// <summary>The run's request counts, for the summary.</summary>
    private protected RequestLedger RunLedger => Ledger!;

    private protected SyncShard? Shard { get; private set; }

    private readonly HashSet<string> _sources = new(StringComparer.Ordinal);
    private bool _yesToAll;
    private bool _noToAll;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            var shard = RepositoryShard.FromParameters(
                MyInvocation.BoundParameters.ContainsKey(nameof(ShardCount)) ? ShardCount : null,
                MyInvocation.BoundParameters.ContainsKey(nameof(ShardIndex)) ? ShardIndex : null);
            Shard = shard is null ? null : new SyncShard(shard);
        }
        catch (InvalidShardException ex)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, null));
        }
    }

    /// <summary>A mapping from the parameters: a destination ending in '/' is a prefix; else one repository takes one source.</summary>
    private protected SyncMapping Mapping(Reference source, string destination)
    {
        Reference target;
        if (SyncDestination.IsPrefix(destination))
        {
            target = ResolveReference(SyncDestination.Under(destination, source));
        }
        else
        {
            _sources.Add(source.WithoutIdentifier().ToString());
            target = ResolveReference(destination);
        }

        return new SyncMapping
        {
            Source = source,
            Destination = target.WithoutIdentifier(),
            Selection = TagSelection(),
            Platforms = Platform?.Select(p => Core.Platform.Parse(p)).ToList(),
            Single = Single,
            IncludeReferrers = IncludeReferrers,
            RequireSameDigest = RequireSameDigest,
            Prune = Prune,
            Compression = Compression is null ? null : SyncMappingReader.CompressionOf(Compression, "-Compression"),
            CompressionLevel = SyncMappingReader.LevelOf(CompressionLevel, "-CompressionLevel"),
        };
    }

    /// <summary>
    /// Refuses, before any request, several source repositories into one destination repository; and, from a file or
    /// a prefix, two sources landing on one destination when either prunes (each would prune the other's tags).
    /// </summary>
    private protected void CheckOneSourcePerRepository(string? destination, IReadOnlyList<SyncMapping> mappings)
    {
        if (_sources.Count > 1)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(new InvalidReferenceException(destination ?? string.Empty,
                $"{_sources.Count} source repositories ({string.Join(", ", _sources)}) would be merged into this one repository; end the destination with '/' to put each under its own path"), destination));
        }

        foreach (var shared in mappings.GroupBy(m => m.Destination.ToString(), StringComparer.OrdinalIgnoreCase).Where(g => g.Any(m => m.Prune)))
        {
            var sources = shared.Select(m => m.Source.WithoutIdentifier().ToString()).Distinct(StringComparer.Ordinal).ToList();
            if (sources.Count > 1)
            {
                ThrowTerminatingError(ErrorMapping.ToErrorRecord(new InvalidSyncMappingException(shared.Key,
                    $"{string.Join(", ", sources)} all go there and one prunes: each would remove the others' tags; give each its own destination"), shared.Key));
            }
        }
    }

    /// <summary>Stops the run before any request when an explicit credential would go to several registries (<see cref="SyncCredentialScope"/>).</summary>
    private protected void KeepCredentialsToOneRegistry(bool saved, IEnumerable<Reference?> sources, IEnumerable<Reference?> destinations)
    {
        var why = (SourceCredential is null ? null : SyncCredentialScope.Refusal(nameof(SourceCredential), "sources", sources))
            ?? (DestinationCredential is null ? null : SyncCredentialScope.Refusal(nameof(DestinationCredential), "destinations", destinations));
        if (why is not null)
        {
            OciException refusal = saved ? new InvalidSyncPlanException("the plan", why) : new InvalidSyncMappingException("the mappings", why);
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(refusal, null));
        }
    }

    /// <summary>
    /// A saved plan under -DestinationRoot, checked before any request (<see cref="SyncDestinationRoot"/>); without
    /// one, a warning names the places a plan spans when they are several, since a plan file may have been edited.
    /// </summary>
    private protected void KeepToDestinationRoot(bool saved, string? root, IReadOnlyList<SyncPlanItem> items)
    {
        if (!saved)
        {
            return;
        }

        if (root is null)
        {
            if (SyncDestinationRoot.Spread(items.Select(i => i.Destination)) is { } places)
            {
                WriteWarning($"The saved plan writes to {places.Count} places ({string.Join(", ", places)}). A plan file can be edited to name any destination: give -DestinationRoot to refuse one outside the place you mean.");
            }

            return;
        }

        try
        {
            SyncDestinationRoot.Parse(root, ResolvePath).Check(items);
        }
        catch (OciException ex)
        {
            ThrowTerminatingError(ErrorMapping.ToErrorRecord(ex, root));
        }
    }

    /// <summary>Each mapping's plan in turn; a mapping that cannot be planned is an error naming it, and the rest go on.</summary>
    private protected List<SyncPlanItem> PlanEach(IReadOnlyList<SyncMapping> mappings, Func<SyncMapping, IReadOnlyList<SyncPlanItem>> plan)
    {
        var items = new List<SyncPlanItem>();
        foreach (var mapping in mappings)
        {
            ForEachInput(mapping.Source.ToString(), () => items.AddRange(plan(mapping)));
        }

        return items;
    }

    /// <summary>The changes the user lets go ahead; an item with nothing to do needs no approval.</summary>
    private protected List<SyncPlanItem> Approve(IReadOnlyList<SyncPlanItem> plan)
    {
        var approved = new List<SyncPlanItem>();
        foreach (var item in plan)
        {
            if (item.Action == SyncAction.UpToDate)
            {
                approved.Add(item);
                continue;
            }

            var target = item.Destination.ToString();
            if (!ShouldProcess(target, SyncInputs.Describe(item)))
            {
                continue;
            }

            // A prune asks as a High-impact change would: unless -Force, or -Confirm:$false said not to ask.
            if (item.Action == SyncAction.Prune && !Force && !ConfirmDeclined()
                && !ShouldContinue($"Remove the tag {target} ({item.DestinationDigest})? It is not in the source selection.", "Prune", ref _yesToAll, ref _noToAll))
            {
                continue;
            }

            approved.Add(item);
        }

        return MyInvocation.BoundParameters.ContainsKey("WhatIf") && ((SwitchParameter)MyInvocation.BoundParameters["WhatIf"]).IsPresent ? new List<SyncPlanItem>() : approved;
    }

    private bool ConfirmDeclined() =>
        MyInvocation.BoundParameters.TryGetValue("Confirm", out var confirm) && confirm is SwitchParameter { IsPresent: false };

    private protected static ProgressRecord Progress(string image, int done, int total) =>
        new(1, "Mirroring", $"{done} of {total} images: {image}") { PercentComplete = total == 0 ? 100 : Math.Min(100, done * 100 / total) };

    private protected StoreContext SourceContext(EngineMessages messages) => Side(messages, SourceCredential);

    private protected StoreContext DestinationContext(EngineMessages messages) => Side(messages, DestinationCredential);

    private StoreContext Side(EngineMessages messages, PSCredential? credential) =>
        new(Sessions, CallOptions().WithCredential(credential is null ? null : ToRegistryCredential(credential)), messages);
}
