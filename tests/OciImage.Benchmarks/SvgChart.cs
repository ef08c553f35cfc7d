using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Xml.Linq;

namespace OciImage.Benchmarks;

/// <summary>A point of a chart line; <see cref="Note"/> is printed beside it (a peer's ratio).</summary>
public sealed record ChartPoint(double X, double Y, string? Note = null);

/// <summary>One contender's line.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points);

/// <summary>
/// A line chart as SVG, with nothing but the BCL: one polyline per contender (with a dot and its note at each
/// point), axes with ticks, axis labels, a title and a legend. An axis is logarithmic where its values span
/// a decade or more (x: work from 10k to 1M entries; y: seconds from 0.05 to 20), else linear from zero.
/// Built with System.Xml.Linq, so names with markup characters cannot break the document.
/// </summary>
public static class SvgChart
{
    private const double Width = 940, Height = 460, Left = 72, Right = 320, Top = 44, Bottom = 64;

    private static readonly string[] Colours = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f" };

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static string Draw(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series, IReadOnlyList<(double X, string Label)> xTicks)
    {
        var points = series.SelectMany(s => s.Points).Where(p => p.X > 0 && double.IsFinite(p.Y)).ToList();
        var x = Axis.For(points.Select(p => p.X).Concat(xTicks.Select(t => t.X)), Left, Width - Right, fromZero: false);
        var y = Axis.For(points.Select(p => p.Y), Height - Bottom, Top, fromZero: true);

        var svg = new XElement(Svg + "svg",
            new XAttribute("width", Width), new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", 12),
            new XElement(Svg + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "white")),
            Text(16, 24, title, Math.Min(15, (Width - 32) / (0.62 * title.Length)), "start", "bold"), // smaller rather than cut off
            Text((Left + Width - Right) / 2, Height - 16, xLabel + (x.Log ? " (log scale)" : string.Empty), 13, "middle"),
            new XElement(Svg + "text", new XAttribute("transform", $"translate(18 {F((Top + Height - Bottom) / 2)}) rotate(-90)"),
                new XAttribute("text-anchor", "middle"), new XAttribute("font-size", 13), yLabel + (y.Log ? " (log scale)" : string.Empty)),
            Line(Left, Height - Bottom, Width - Right, Height - Bottom, "#333"),
            Line(Left, Top, Left, Height - Bottom, "#333"));

        foreach (var (value, label) in xTicks.DistinctBy(t => t.X))
        {
            var at = x.Map(value);
            svg.Add(Line(at, Height - Bottom, at, Height - Bottom + 5, "#333"), Text(at, Height - Bottom + 19, label, 11, "middle"));
        }

        foreach (var value in y.Ticks())
        {
            var at = y.Map(value);
            svg.Add(Line(Left - 5, at, Width - Right, at, "#e4e4e4"), Text(Left - 8, at + 4, Number(value), 11, "end"));
        }

        for (var i = 0; i < series.Count; i++)
        {
            var colour = Colours[i % Colours.Length];
            var shown = series[i].Points.Where(p => p.X > 0 && double.IsFinite(p.Y)).OrderBy(p => p.X).ToList();
            svg.Add(new XElement(Svg + "polyline",
                new XAttribute("data-contender", series[i].Name),
                new XAttribute("fill", "none"), new XAttribute("stroke", colour), new XAttribute("stroke-width", 2),
                new XAttribute("points", string.Join(" ", shown.Select(p => F(x.Map(p.X)) + "," + F(y.Map(p.Y)))))));
            foreach (var point in shown)
            {
                svg.Add(new XElement(Svg + "circle", new XAttribute("cx", F(x.Map(point.X))), new XAttribute("cy", F(y.Map(point.Y))), new XAttribute("r", 3.5), new XAttribute("fill", colour),
                    new XElement(Svg + "title", $"{series[i].Name}: {Number(point.Y)}{(point.Note is null ? string.Empty : ", OciImage/this " + point.Note)}")));
                if (point.Note is not null)
                {
                    // Staggered by line, so the ratios of lines that meet at a point stay readable.
                    svg.Add(Text(x.Map(point.X) + 6, y.Map(point.Y) - 6 + (i % 3) * 11, point.Note, 10, "start", fill: colour));
                }
            }

            var legendY = Top + 8 + i * 20;
            svg.Add(Line(Width - Right + 16, legendY, Width - Right + 40, legendY, colour, 2), Text(Width - Right + 46, legendY + 4, series[i].Name, 11, "start"));
        }

        if (series.Any(s => s.Points.Any(p => p.Note is not null)))
        {
            svg.Add(Text(Width - Right + 16, Top + 14 + series.Count * 20, "× : OciImage over that peer", 10, "start", fill: "#555"));
        }

        return new XDocument(svg).ToString();
    }

    private static XElement Text(double x, double y, string text, double size, string anchor, string? weight = null, string? fill = null)
    {
        var element = new XElement(Svg + "text", new XAttribute("x", F(x)), new XAttribute("y", F(y)), new XAttribute("font-size", size), new XAttribute("text-anchor", anchor), text);
        if (weight is not null)
        {
            element.Add(new XAttribute("font-weight", weight));
        }

        if (fill is not null)
        {
            element.Add(new XAttribute("fill", fill));
        }

        return element;
    }

    private static XElement Line(double x1, double y1, double x2, double y2, string stroke, double width = 1) =>
        new(Svg + "line", new XAttribute("x1", F(x1)), new XAttribute("y1", F(y1)), new XAttribute("x2", F(x2)), new XAttribute("y2", F(y2)), new XAttribute("stroke", stroke), new XAttribute("stroke-width", width));

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A value as a tick shows it: 0.05, 1.5, 20, 1,200.</summary>
    private static string Number(double value) =>
        value.ToString(value >= 100 ? "#,0" : value >= 10 ? "0.#" : value >= 1 ? "0.##" : "0.###", CultureInfo.InvariantCulture);

    /// <summary>Values to pixels, linear (from zero) or logarithmic.</summary>
    private sealed class Axis
    {
        private double _low, _high, _from, _to;

        public bool Log { get; private set; }

        public static Axis For(IEnumerable<double> values, double from, double to, bool fromZero)
        {
            var list = values.Where(v => v > 0 && double.IsFinite(v)).ToList();
            var min = list.Count == 0 ? 1 : list.Min();
            var max = list.Count == 0 ? 10 : list.Max();
            var axis = new Axis { _from = from, _to = to, Log = max / min >= 10 };
            if (axis.Log)
            {
                // Whole decades around the values, so the ticks are 0.1, 1, 10...
                axis._low = Math.Pow(10, Math.Floor(Math.Log10(min)));
                axis._high = Math.Pow(10, Math.Ceiling(Math.Log10(max)));
            }
            else
            {
                axis._low = fromZero ? 0 : min * 0.9;
                axis._high = max * 1.1;
                if (axis._high <= axis._low)
                {
                    axis._high = axis._low + 1;
                }
            }

            return axis;
        }

        public double Map(double value)
        {
            // On a log axis a zero (a peer timed at 0.00 s on tiny data) sits on the axis rather than at minus infinity.
            value = Log ? Math.Max(value, _low) : value;
            var share = Log ? (Math.Log10(value) - Math.Log10(_low)) / (Math.Log10(_high) - Math.Log10(_low)) : (value - _low) / (_high - _low);
            return _from + share * (_to - _from);
        }

        public IEnumerable<double> Ticks()
        {
            if (Log)
            {
                for (var decade = _low; decade <= _high * 1.0001; decade *= 10)
                {
                    yield return decade;
                }

                yield break;
            }

            // About five steps of 1, 2 or 5 times a power of ten.
            var raw = (_high - _low) / 5;
            var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
            var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
            for (var value = Math.Ceiling(_low / step) * step; value <= _high; value += step)
            {
                yield return value;
            }
        }
    }
}
