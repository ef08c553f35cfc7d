using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace OciImage.Benchmarks;

/// <summary>
/// The README's performance table, printed from a results file (--table FILE), so that every figure in it is one
/// a run wrote down: per scenario a row per contender with median wall time, CPU (user + system), peak memory and
/// OciImage's engine time and CPU over the contender's (and the in-session run's, where the scenario has one), and a header naming the commit, the runs and the machine.
/// </summary>
public static class ResultsTable
{
    public static int Print(string path, TextWriter output)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var commit = root.GetProperty("commit").GetString() ?? "unknown";
        var dirty = root.TryGetProperty("dirty", out var d) && d.ValueKind == JsonValueKind.True;
        var machine = root.GetProperty("machine");
        output.WriteLine($"Results file `{Path.GetFileName(path)}`: commit {commit.Substring(0, Math.Min(12, commit.Length))}{(dirty ? " (with uncommitted changes)" : string.Empty)}, "
            + $"{root.GetProperty("utc").GetDateTime():yyyy-MM-dd HH:mm} UTC, {root.GetProperty("runs").GetInt32()} runs each (medians), "
            + $"{machine.GetProperty("cores").GetInt32()} cores; {machine.GetProperty("limits").GetString()}");
        if (root.GetProperty("scenarios").GetArrayLength() == 0)
        {
            CurveCharts.PrintTables(root, output);
            return 0;
        }

        output.WriteLine();
        output.WriteLine("| scenario | contender | wall | CPU (user + sys) | peak memory | engine / this: wall | CPU | in session / this: wall | CPU |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var scenario in root.GetProperty("scenarios").EnumerateArray())
        {
            var first = true;
            foreach (var contender in scenario.GetProperty("contenders").EnumerateArray())
            {
                var name = scenario.GetProperty("scenario").GetString();
                var cpu = Number(contender, "userSeconds") + Number(contender, "systemSeconds");
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(first ? name : string.Empty)} | {Cell(contender.GetProperty("contender").GetString())} | {Number(contender, "wallSeconds"):0.00} s | {cpu:0.00} s | {Number(contender, "peakMegabytes"):0} MB | "
                    + $"{Ratio(contender, "oursOverThis", bold: true)} | {Ratio(contender, "oursCpuOverThis")} | {Ratio(contender, "inSessionOverThis")} | {Ratio(contender, "inSessionCpuOverThis")} |"));
                first = false;
            }
        }

        CurveCharts.PrintTables(root, output);
        return 0;
    }

    /// <summary>A ratio the file gives for a peer; empty for OciImage's own rows and where the file has none.</summary>
    private static string Ratio(JsonElement contender, string name, bool bold = false) =>
        contender.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? (bold ? "**" : string.Empty) + value.GetDouble().ToString("0.00", CultureInfo.InvariantCulture) + (bold ? "**" : string.Empty)
            : string.Empty;

    /// <summary>A contender's name as a table cell: its pipes ("tar | gzip -6") escaped.</summary>
    private static string Cell(string? text) => (text ?? string.Empty).Replace("|", "\\|", StringComparison.Ordinal);

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;
}
