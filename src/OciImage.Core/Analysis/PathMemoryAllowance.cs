using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using OciImage.Core.Errors;
using OciImage.Core.Layers;

namespace OciImage.Core.Analysis;

/// <summary>
/// The memory one analysis may spend on the paths it keeps (every entry of every layer, the merged tree and dive's
/// trees), shared by the layers it reads at once. A tar header compresses to a few bytes (a gzip layer of empty
/// files holds about 150,000 entries a megabyte, a zstd one 600,000), so without a bound a small hostile layer makes
/// the analysis outgrow the machine and the host is killed; with it, the analysis stops with
/// <c>AnalysisLimitExceeded</c> first. The default is half the memory the process may use (the GC's view: physical
/// memory or the container's limit), or 4 GiB where the runtime does not say; <c>OCIIMAGE_ANALYSIS_MEMORY</c> (a
/// whole number of bytes, so <c>$env:OCIIMAGE_ANALYSIS_MEMORY = 16GB</c> in PowerShell) sets it.
/// </summary>
internal sealed class PathMemoryAllowance
{
    public const string EnvironmentVariable = "OCIIMAGE_ANALYSIS_MEMORY";

    /// <summary>What an entry costs besides its strings: its record, a node and a map slot in each tree, dive's sums (measured about 600 bytes).</summary>
    internal const long EntryOverhead = 640;

    /// <summary>
    /// What a parent no entry lists costs: a node, its map of children and its name in the merged tree and in
    /// dive's layer and stacked trees (measured about 330 bytes a tree).
    /// </summary>
    internal const long UnlistedParentCost = 1024;

    private const long Fallback = 4L << 30;

    private const long Floor = 256L << 20;

    private long _left;
    private long _paths;
    private int _warned;

    public PathMemoryAllowance(long bytes)
    {
        Limit = Math.Max(1, bytes);
        _left = Limit;
    }

    public long Limit { get; }

    /// <summary>What is left to charge (below 0 once exceeded).</summary>
    public long Left => Interlocked.Read(ref _left);

    /// <summary>The allowance for this process: the environment variable's, else half of what the GC may use.</summary>
    public static PathMemoryAllowance ForThisProcess()
    {
        var text = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var configured = Parse(text);
        return new(configured ?? Math.Max(Floor, (AvailableMemory() ?? 2 * Fallback) / 2))
        {
            Ignored = configured is null && !string.IsNullOrWhiteSpace(text) ? text : null,
        };
    }

    /// <summary>The environment variable's text when it was set but is not a whole number of bytes over 0 (the default applied).</summary>
    public string? Ignored { get; private init; }

    /// <summary>Says once, where a log is at hand, that the variable's value was not taken (a silent default would hide a typo such as "16G").</summary>
    public void WarnIfIgnored(IEngineLog log)
    {
        if (Ignored is { } text && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            var shown = text.Length > 40 ? text.Substring(0, 40) + "…" : text;
            log.Warning($"{EnvironmentVariable} = '{shown}' is not a whole number of bytes over 0 (in PowerShell: $env:{EnvironmentVariable} = 16GB); the default, {Limit / (1024 * 1024):N0} MiB, applies.");
        }
    }

    /// <summary>A whole number of bytes over 0, or null.</summary>
    internal static long? Parse(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : null;

    /// <summary>What keeping an entry costs, about: the path is held in the entry and (its last name) in two trees, as UTF-16.</summary>
    public static long CostOf(LayerEntry entry) =>
        EntryOverhead + 6L * entry.Path.Length + 2L * (entry.LinkTarget?.Length ?? 0) + 2L * (entry.ContentDigest?.Length ?? 0)
        + (ReferenceEquals(entry.EntryName, entry.Path) ? 0 : 2L * entry.EntryName.Length);

    /// <summary>
    /// What keeping a tar item costs, about: its record, its names and link as UTF-16, and its extended attributes
    /// (a PAX header of a megabyte of them compresses to almost nothing, and every entry may have one).
    /// </summary>
    public static long CostOf(LayerItem item)
    {
        var cost = EntryOverhead + 2L * (item.Path.Length + item.RawName.Length + (item.LinkTarget?.Length ?? 0));
        foreach (var attribute in item.Xattrs)
        {
            cost += 64 + 2L * attribute.Key.Length + attribute.Value.Length;
        }

        return cost;
    }

    /// <summary>Charges an entry about to be kept; past the limit, AnalysisLimitExceeded naming what was read.</summary>
    public void Charge(LayerEntry entry, string what) => Charge(CostOf(entry), what);

    /// <summary>Charges what keeping one more path costs; past the limit, AnalysisLimitExceeded naming what was read.</summary>
    public void Charge(long cost, string what)
    {
        var paths = Interlocked.Increment(ref _paths);
        if (Interlocked.Add(ref _left, -cost) < 0)
        {
            throw new AnalysisLimitException(what, paths, Limit, EnvironmentVariable);
        }
    }

    /// <summary>
    /// Charges the parents of an entry the trees will make without an entry of their own: a tar may name a file a
    /// million levels deep in a 1 MiB name and list none of its directories, so its path is not what it costs.
    /// <paramref name="known"/> holds the layer's directories listed or charged so far: the parent of most entries
    /// is in it and costs nothing more; an unknown one is charged for every level (an upper bound) and remembered.
    /// </summary>
    public void ChargeUnlistedParents(LayerEntry entry, HashSet<string> known, string what)
    {
        var slash = entry.EntryName.LastIndexOf('/');
        if (slash > 0)
        {
            var parent = entry.EntryName.Substring(0, slash);
            if (!known.Contains(parent))
            {
                var levels = 1L;
                foreach (var c in parent)
                {
                    levels += c == '/' ? 1 : 0;
                }

                Charge(levels * UnlistedParentCost + 2L * parent.Length + 48, what);
                known.Add(parent);
            }
        }

        if (entry.IsDirectory)
        {
            known.Add(entry.EntryName);
        }
    }

    /// <summary>GC.GetGCMemoryInfo().TotalAvailableMemoryBytes on .NET Core 3 and later (not in netstandard2.0's surface), else null.</summary>
    private static long? AvailableMemory()
    {
        try
        {
            var info = typeof(GC).GetMethod("GetGCMemoryInfo", Type.EmptyTypes)?.Invoke(null, null);
            var total = info?.GetType().GetProperty("TotalAvailableMemoryBytes")?.GetValue(info);
            return total is long bytes && bytes > 0 ? bytes : null;
        }
        catch (Exception ex) when (ex is System.Reflection.TargetInvocationException or MemberAccessException or NotSupportedException)
        {
            return null;
        }
    }
}
