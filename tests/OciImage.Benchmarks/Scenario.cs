using System;
using System.Collections.Generic;


namespace OciImage.Benchmarks;

/// <summary>
/// One thing users do, timed for OciImage (engine API and real cmdlets, each in its own process) and for the
/// tools they would use instead. <see cref="Reset"/> runs before every timed run so each starts from the same state.
/// </summary>
public sealed class Scenario
{
    public Scenario(string name, string description)
    {
        Name = name;
        Description = description;
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>Contenders and their command lines (made after each reset, as hosts may change); OciImage's first.</summary>
    public List<(string Contender, Func<string> Command)> Contenders { get; } = new();

    /// <summary>Brings the world back to the starting state before each run (delete outputs, fresh registry).</summary>
    public Action? Reset { get; init; }

    /// <summary>
    /// Runs a contender's command once more (after <see cref="Reset"/>) with counting proxies in front of the
    /// registries, for its requests (and that run's sample, slowed by the proxies); null when the scenario counts none.
    /// </summary>
    public Func<Func<string>, (RequestCount Requests, Sample Sample)>? CountRequests { get; init; }

    /// <summary>Small data (the smoke test): a counted contender's one run is also its timed run (through the proxies).</summary>
    public bool CountInTimedRun { get; init; }

    /// <summary>The goal for OciImage's wall time over this peer's, e.g. ("skopeo sync", 0.8); reported met or missed.</summary>
    public (string Peer, double MaxRatio)? WallGoal { get; init; }

    /// <summary>The goal for one contender's own median wall time, e.g. a cold Import-Module in at most 0.2 s.</summary>
    public (string Contender, double MaxSeconds)? WallSecondsGoal { get; init; }

    /// <summary>The goal for requests per unchanged tag (each counted contender's reported beside it).</summary>
    public double? RequestsPerUnchangedTagGoal { get; init; }

    public Scenario Add(string contender, Func<string> command)
    {
        Contenders.Add((contender, command));
        return this;
    }
}
