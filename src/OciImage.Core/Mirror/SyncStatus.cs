namespace OciImage.Core.Mirror;

/// <summary>What applying one plan item did.</summary>
public enum SyncStatus
{
    Copied,
    Updated,
    UpToDate,
    Pruned,

    /// <summary>Not done on purpose: the destination changed since the plan, or a prune was declined.</summary>
    Skipped,

    /// <summary>Not started: the registry's rate-limit reserve was reached (or the run was stopped) first.</summary>
    NotStarted,

    Failed,
}
