using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.Benchmarks;

/// <summary>One of an issue's goals checked on a run: what was measured for an OciImage contender, the limit, met or not.</summary>
public sealed record GoalResult(string Goal, string Contender, double? Value, double Limit)
{
    public bool Met => Value is { } value && value <= Limit;

    public override string ToString() => $"goal {Goal} <= {Limit:0.##}: {Contender} {(Value is { } v ? v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "n/a")}, {(Met ? "met" : "MISSED")}";
}

/// <summary>Checks a scenario's goals (<see cref="Scenario.WallGoal"/>, <see cref="Scenario.WallSecondsGoal"/>, <see cref="Scenario.RequestsPerUnchangedTagGoal"/>) for each OciImage contender.</summary>
public static class ScenarioGoals
{
    public static List<GoalResult> Evaluate(Scenario scenario, Dictionary<string, List<Sample>> samples, Dictionary<string, RequestCount> counts)
    {
        var results = new List<GoalResult>();
        var ours = samples.Where(p => p.Key.StartsWith("OciImage", StringComparison.Ordinal) && p.Value.Count > 0).ToList();
        if (scenario.WallGoal is { } wall && samples.TryGetValue(wall.Peer, out var peer) && peer.Count > 0)
        {
            var peerMedian = Measurement.Median(peer.Select(s => s.Seconds));
            foreach (var (contender, list) in ours)
            {
                var ratio = Measurement.Median(list.Select(s => s.Seconds)) / peerMedian;
                results.Add(new GoalResult($"wall / {wall.Peer}", contender, double.IsFinite(ratio) ? ratio : null, wall.MaxRatio));
            }
        }

        if (scenario.WallSecondsGoal is { } own && samples.TryGetValue(own.Contender, out var timed) && timed.Count > 0)
        {
            results.Add(new GoalResult("wall seconds", own.Contender, Measurement.Median(timed.Select(s => s.Seconds)), own.MaxSeconds));
        }

        if (scenario.RequestsPerUnchangedTagGoal is { } requests)
        {
            foreach (var (contender, count) in counts.Where(c => c.Key.StartsWith("OciImage", StringComparison.Ordinal)))
            {
                results.Add(new GoalResult("requests per unchanged tag", contender, count.PerUnchangedTag, requests));
            }
        }

        return results;
    }
}
