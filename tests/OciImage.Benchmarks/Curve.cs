using System;
using System.Collections.Generic;

namespace OciImage.Benchmarks;

/// <summary>
/// How a cost grows with the work (issue 33 item 5): one measured point per amount of work (tree size, entries,
/// tags, layer size), each timed for OciImage and its peers alike, alternating, as a scenario is. Points are
/// made lazily, one at a time, so the data of a point (a 4 GiB layer, a registry of 2,000 tags) exists only
/// while that point is measured: the iterator disposes of it when the runner moves on.
/// </summary>
public sealed class Curve
{
    public Curve(string name, string title, string xLabel, Func<IEnumerable<CurvePoint>> points)
    {
        Name = name;
        Title = title;
        XLabel = xLabel;
        Points = points;
    }

    /// <summary>The curve's name (the chart's file name), e.g. layer-build.</summary>
    public string Name { get; }

    public string Title { get; }

    /// <summary>What x counts, e.g. "tree size (MB)".</summary>
    public string XLabel { get; }

    /// <summary>What the charts show: wall time always, peak memory where it is the point of the curve.</summary>
    public bool ChartMemory { get; init; }

    public Func<IEnumerable<CurvePoint>> Points { get; }
}

/// <summary>One amount of work on a curve and its contenders; <see cref="Reset"/> runs before every timed run.</summary>
public sealed class CurvePoint
{
    public CurvePoint(double x, string label)
    {
        X = x;
        Label = label;
    }

    /// <summary>The amount of work (bytes, entries, tags), the chart's x.</summary>
    public double X { get; }

    /// <summary>The amount as people read it: "100 MB", "10k entries".</summary>
    public string Label { get; }

    /// <summary>A point measured with less than the curve asks (it would not fit), said in the results and tables.</summary>
    public string? Note { get; init; }

    public Action? Reset { get; init; }

    /// <summary>Contenders, OciImage's first; a peer names the OciImage contender its ratios are taken against.</summary>
    public List<CurveContender> Contenders { get; } = new();

    /// <param name="reset">Runs before this contender's every run, after the point's <see cref="Reset"/>.</param>
    public CurvePoint Ours(string contender, Func<string> command, Action? reset = null)
    {
        Contenders.Add(new CurveContender(contender, null, command, reset));
        return this;
    }

    public CurvePoint Peer(string contender, string versus, Func<string> command, Action? reset = null)
    {
        Contenders.Add(new CurveContender(contender, versus, command, reset));
        return this;
    }
}

/// <summary>One contender at a point: its name, the OciImage contender a peer is compared with (null for ours), its command line.</summary>
public sealed record CurveContender(string Name, string? Versus, Func<string> Command, Action? Reset);
