using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Mirror;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Mirroring as two operations (skopeo sync and regsync in one, with a plan between): plan the images of each
/// mapping, then apply a plan (made now, or saved and reviewed earlier). One <see cref="SyncRun"/> spans both,
/// so nothing read for the plan is read again to apply it.
/// </summary>
public static class SyncVerb
{
    /// <summary>What the mapping's images need: an item per image (this shard's), and its prunes.</summary>
    public static Task<IReadOnlyList<SyncPlanItem>> PlanAsync(SyncMapping mapping, SyncRun run, SyncShard? shard, int throttle, StoreContext source, StoreContext destination, CancellationToken cancellationToken) =>
        new SyncPlanner(source, destination, run, shard, throttle).PlanAsync(mapping, cancellationToken);

    /// <param name="saved">The plan was made earlier: each item's two ends are checked again before it is applied.</param>
    /// <param name="report">Called with each item's result as it ends (from the run's threads).</param>
    public static Task<SyncSummary> ApplyAsync(IReadOnlyList<SyncPlanItem> items, bool saved, SyncRun run, int throttle, StoreContext source, StoreContext destination, Action<SyncItemResult> report, CancellationToken cancellationToken) =>
        new SyncRunner(source, destination, run.Copies, throttle, saved).ApplyAsync(items, report, cancellationToken);
}
