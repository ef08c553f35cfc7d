using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using OciImage.Core.Mirror;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Mirrors repositories (skopeo sync, regsync): the tags a selection takes, from any transport to any other,
/// planned first (what moves, what is up to date, what a prune removes), then applied with images in parallel and
/// each blob crossing once; or a plan saved earlier applied exactly as reviewed. One result an image, then a summary.
/// </summary>
[Cmdlet(VerbsData.Sync, "OciRepository", SupportsShouldProcess = true, DefaultParameterSetName = "Apply")]
[OutputType(typeof(OciSyncResult), typeof(OciSyncSummary), typeof(OciSyncPlanItem))]
public sealed class SyncOciRepositoryCommand : OciSyncCmdlet
{
    /// <summary>Source repositories, layouts or archives (or one image: REPOSITORY:TAG, REPOSITORY@DIGEST).</summary>
    [Parameter(ParameterSetName = "Mapping", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Reference")]
    [ValidateNotNullOrEmpty]
    public string[] Source { get; set; } = null!;

    /// <summary>The destination repository; ending in '/', a prefix under which each source keeps its path.</summary>
    [Parameter(ParameterSetName = "Mapping", Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>A .psd1 or .json file of mappings (desired state), each with its selection and options.</summary>
    [Parameter(ParameterSetName = "File", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Plan items (from -Plan, Import-Clixml or ConvertFrom-Json) to apply as they were reviewed.</summary>
    [Parameter(ParameterSetName = "Apply", Mandatory = true, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = null!;

    /// <summary>A JSON plan file (ConvertTo-Json of -Plan's items) to apply as it was reviewed.</summary>
    [Parameter(ParameterSetName = "PlanFile", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string PlanPath { get; set; } = null!;

    /// <summary>With a saved plan: the registry prefix or layout directory every destination must be under, or nothing is applied.</summary>
    [Parameter(ParameterSetName = "Apply")]
    [Parameter(ParameterSetName = "PlanFile")]
    [ValidateNotNullOrEmpty]
    public string? DestinationRoot { get; set; }

    private readonly List<SyncMapping> _mappings = new();
    private readonly List<SyncPlanItem> _saved = new();

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case "Mapping":
                foreach (var text in Source)
                {
                    ForEachInput(text, () => _mappings.Add(Mapping(ResolveReference(text), Destination)));
                }

                break;
            case "File":
                ForEachInput(Path, () => _mappings.AddRange(SyncInputs.MappingFile(ResolvePath(Path), ResolveReference)));
                break;
            case "Apply":
                foreach (var input in InputObject)
                {
                    ForEachInput(input, () => _saved.Add(SyncInputs.PlanItem(input, _saved.Count)));
                }

                break;
            default:
                ForEachInput(PlanPath, () => _saved.AddRange(SyncPlanReader.ReadFile(ResolvePath(PlanPath))));
                break;
        }
    }

    protected override void EndProcessing()
    {
        CheckOneSourcePerRepository(Destination, _mappings);
        var saved = _mappings.Count == 0;
        KeepCredentialsToOneRegistry(
            saved,
            saved ? _saved.Select(i => i.Source) : _mappings.Select(m => (Core.Reference?)m.Source),
            saved ? _saved.Select(i => (Core.Reference?)i.Destination) : _mappings.Select(m => (Core.Reference?)m.Destination));
        KeepToDestinationRoot(saved, DestinationRoot, _saved);
        var run = new SyncRun();
        var plan = saved ? _saved : PlanEach(_mappings, mapping => RunCore((messages, ct) =>
            SyncVerb.PlanAsync(mapping, run, Shard, ThrottleLimit, SourceContext(messages), DestinationContext(messages), ct)));
        if (Plan)
        {
            WriteObject(plan.Select(i => new OciSyncPlanItem(i)), enumerateCollection: true);
            return;
        }

        var approved = Approve(plan);
        if (approved.Count == 0 && plan.Count > 0)
        {
            return; // -WhatIf, or every change declined
        }

        var total = approved.Count;
        var done = 0;
        var summary = RunCore((messages, ct) => SyncVerb.ApplyAsync(approved, saved, run, ThrottleLimit, SourceContext(messages), DestinationContext(messages), result =>
        {
            if (result.Error is { } failure)
            {
                messages.Error(failure, result.Item.Destination.ToString());
            }

            messages.Emit(new OciSyncResult(result));
            messages.Progress(Progress(result.Item.Destination.ToString(), System.Threading.Interlocked.Increment(ref done), total));
        }, ct));
        WriteObject(new OciSyncSummary(summary, RunLedger));
        WriteVerbose("Registry requests: " + RunLedger);
    }
}
