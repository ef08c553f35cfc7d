using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Selection;

/// <summary>
/// One tag selection, shared by Get-OciTag, the mirror and retention (docs/TAG-SELECTION.md). The rules apply in
/// this order, each to what the one before left: <see cref="Include"/> / <see cref="Exclude"/> wildcards
/// (case-sensitive), <see cref="Pattern"/> (a regular expression with a match timeout), <see cref="VersionRange"/>
/// (pre-releases out unless named or <see cref="IncludePrerelease"/>), <see cref="Variant"/>,
/// <see cref="CreatedSince"/> / <see cref="CreatedBefore"/>, then <see cref="Newest"/> N (by version or created
/// date, over all tags or per major or minor line, and per variant). Digest-pinned items pass untouched.
/// Created dates are asked for only when a date rule needs them, and only for the tags that reach it.
/// <para>
/// As a filter (<see cref="SelectionUse.Filter"/>) the selected tags are what to take; as a keep-selection
/// (<see cref="SelectionUse.Keep"/>) the complement is what to remove, and a rule never removes a tag it cannot
/// judge (undated for date rules, not a version for version rules).
/// </para>
/// </summary>
public sealed class TagSelection
{
    private TagWildcard[]? _include;
    private TagWildcard[]? _exclude;
    private Regex? _regex;
    private VersionRange? _range;
    private TagWildcard? _variant;

    /// <summary>Tags matching any of these wildcards (none given: every tag).</summary>
    public IReadOnlyList<string>? Include { get; init; }

    /// <summary>Tags matching any of these wildcards are dropped.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>A .NET regular expression a tag must match somewhere (anchor it with ^ and $ for the whole tag); case-sensitive.</summary>
    public string? Pattern { get; init; }

    /// <summary>The most one match may take: a tag from a hostile registry must not hang a selection.</summary>
    public TimeSpan PatternTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A node-semver range (<see cref="Selection.VersionRange"/>).</summary>
    public string? VersionRange { get; init; }

    /// <summary>Pre-releases count as versions for the range and newest-N even when the range names none.</summary>
    public bool IncludePrerelease { get; init; }

    /// <summary>
    /// The variant a version rule takes: null for tags without one (1.2.3, not 1.2.3-alpine), a name or wildcard
    /// (alpine, alpine*), or * for every variant (newest-N then counts per variant). Setting it makes a version rule.
    /// </summary>
    public string? Variant { get; init; }

    /// <summary>Created at or after this time.</summary>
    public DateTimeOffset? CreatedSince { get; init; }

    /// <summary>Created before this time.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>Keep only the newest N (1 or more) of each group.</summary>
    public int? Newest { get; init; }

    public NewestBy NewestBy { get; init; } = NewestBy.Version;

    /// <summary>Count newest-N over all tags, or per major or minor line (a version rule).</summary>
    public VersionLine NewestPer { get; init; } = VersionLine.All;

    /// <summary>True when some rule reads tags as versions (the range, a variant, newest by version or per line).</summary>
    public bool UsesVersions => VersionRange is not null || Variant is not null || (Newest is not null && (NewestBy == NewestBy.Version || NewestPer != VersionLine.All));

    /// <summary>True when some rule needs created dates (each costs requests).</summary>
    public bool UsesDates => CreatedSince is not null || CreatedBefore is not null || (Newest is not null && NewestBy == NewestBy.Created);

    /// <summary>Parses every rule now, so a bad one is an InvalidSelection error before any request is made.</summary>
    public TagSelection Validate()
    {
        _include ??= Include?.Select(TagWildcard.Parse).ToArray();
        _exclude ??= Exclude?.Select(TagWildcard.Parse).ToArray();
        _range ??= VersionRange is null ? null : Selection.VersionRange.Parse(VersionRange);
        _variant ??= Variant is null ? null : TagWildcard.Parse(Variant);
        if (_regex is null && Pattern is not null)
        {
            if (PatternTimeout <= TimeSpan.Zero)
            {
                throw new InvalidSelectionException("regular expression", Pattern, "its timeout must be above zero");
            }

            try
            {
                _regex = new Regex(Pattern, RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (ArgumentException e)
            {
                throw new InvalidSelectionException("regular expression", Pattern, e.Message.TrimEnd('.'));
            }
        }

        if (Newest is < 1)
        {
            throw new InvalidSelectionException("newest count", Newest.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "give 1 or more");
        }

        if (CreatedSince is { } since && CreatedBefore is { } before && since >= before)
        {
            throw new InvalidSelectionException("date rule", $"since {since:o} before {before:o}", "no time is both; the start must come before the end");
        }

        return this;
    }

    /// <summary>Applies a selection that needs no dates (InvalidSelection when it does).</summary>
    public TagSelectionResult Apply(IEnumerable<string> tags, SelectionUse use = SelectionUse.Filter) =>
        ApplyAsync(tags, null, use, CancellationToken.None).GetAwaiter().GetResult();

    /// <param name="tags">Tag names, in any order (duplicates count once); items with '@' or ':' are digest pins and pass through.</param>
    /// <param name="dates">Asked once, for the tags that reach a date rule, and only when one is used.</param>
    public async Task<TagSelectionResult> ApplyAsync(IEnumerable<string> tags, CreatedDateLookup? dates, SelectionUse use, CancellationToken cancellationToken)
    {
        Validate();
        var decisions = new List<TagDecision>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (tag is not null && seen.Add(tag))
            {
                var pinned = tag.IndexOf('@') >= 0 || tag.IndexOf(':') >= 0;
                decisions.Add(new TagDecision(tag, pinned ? null : TagVersion.TryParse(tag), pinned));
            }
        }

        var live = decisions.Where(d => !d.IsPinned).ToList();
        Drop(live, SelectionStep.Include, d => _include is { Length: > 0 } && !_include.Any(w => w.IsMatch(d.Tag)));
        Drop(live, SelectionStep.Exclude, d => _exclude is not null && _exclude.Any(w => w.IsMatch(d.Tag)));
        Drop(live, SelectionStep.Regex, d => _regex is not null && !MatchesPattern(d.Tag));
        if (UsesVersions)
        {
            // In Keep use a tag that is not a version is out of the version rules' reach: it passes them.
            Drop(live, SelectionStep.NotAVersion, d => d.Version is null && use == SelectionUse.Filter);
            Drop(live, SelectionStep.VersionRange, d => d.Version is not null && _range is not null && !_range.Contains(d.Version, includePrerelease: true));
            Drop(live, SelectionStep.Prerelease, d => d.Version is not null && !IncludePrerelease && !(_range?.Contains(d.Version) ?? !d.Version.IsPrerelease));
            Drop(live, SelectionStep.Variant, d => d.Version is not null && !VariantMatches(d.Version.Variant));
        }

        var looked = 0;
        if (UsesDates && live.Count > 0)
        {
            if (dates is null)
            {
                throw new InvalidSelectionException("date rule", DescribeDateRules(), "this source cannot give created dates");
            }

            looked = live.Count;
            var found = await dates(live.Select(d => d.Tag).ToList(), cancellationToken).ConfigureAwait(false);
            foreach (var decision in live)
            {
                decision.DateKnown = true;
                decision.Created = found.TryGetValue(decision.Tag, out var date) ? CreatedDate.Normalise(date) : null;
            }

            // Keep use: an undated tag is never removed by a date rule.
            Drop(live, SelectionStep.CreatedSince, d => CreatedSince is { } since && (d.Created is { } c ? c < since : use == SelectionUse.Filter));
            Drop(live, SelectionStep.CreatedBefore, d => CreatedBefore is { } before && (d.Created is { } c ? c >= before : use == SelectionUse.Filter));
        }

        if (Newest is { } newest)
        {
            ApplyNewest(live, newest, use);
        }

        var pins = decisions.Where(d => d.IsPinned);
        return new TagSelectionResult(
            pins.Concat(Ordered(decisions.Where(d => !d.IsPinned && d.Selected))).ToList(),
            Ordered(decisions.Where(d => !d.Selected)).ToList(),
            looked);
    }

    private static IEnumerable<TagDecision> Ordered(IEnumerable<TagDecision> decisions) =>
        decisions.OrderBy(d => d, ByVersion);

    /// <summary>Versions first in <see cref="TagVersion"/> order, then other tags by ordinal text (parsed once, not per comparison).</summary>
    private static readonly IComparer<TagDecision> ByVersion = Comparer<TagDecision>.Create((a, b) =>
        a.Version is not null && b.Version is not null ? a.Version.CompareTo(b.Version)
        : a.Version is not null ? -1 : b.Version is not null ? 1 : string.CompareOrdinal(a.Tag, b.Tag));

    private static void Drop(List<TagDecision> live, SelectionStep step, Func<TagDecision, bool> drops)
    {
        for (var i = live.Count - 1; i >= 0; i--)
        {
            if (drops(live[i]))
            {
                live[i].DroppedBy = step;
                live.RemoveAt(i);
            }
        }
    }

    private bool MatchesPattern(string tag)
    {
        try
        {
            return _regex!.IsMatch(tag);
        }
        catch (RegexMatchTimeoutException)
        {
            var shown = tag.Length > TagVersion.MaxTagLength ? tag.Substring(0, TagVersion.MaxTagLength) + "..." : tag;
            throw new InvalidSelectionException("regular expression", Pattern!,
                $"matching it against the tag '{shown}' took over {PatternTimeout.TotalSeconds:0.###} s (it backtracks without bound on some input); nothing was selected: simplify it, or use wildcards");
        }
    }

    private bool VariantMatches(string? variant) =>
        _variant is null ? variant is null : Variant == "*" || (variant is not null && _variant.IsMatch(variant));

    /// <summary>Newest N per group: the variant (when versions are in use) and the line; what a rule cannot judge in Keep use stays.</summary>
    private void ApplyNewest(List<TagDecision> live, int newest, SelectionUse use)
    {
        var judged = live.Where(d => use == SelectionUse.Filter || (NewestBy == NewestBy.Created ? d.Created is not null : d.Version is not null)
            && (NewestPer == VersionLine.All || d.Version is not null));
        var groups = judged.GroupBy(d => GroupKey(d), StringComparer.Ordinal);
        var dropped = new HashSet<TagDecision>();
        foreach (var group in groups)
        {
            var ranked = NewestBy == NewestBy.Version
                ? group.OrderByDescending(d => d, ByVersion)
                : group.OrderBy(d => d.Created is null ? 1 : 0).ThenByDescending(d => d.Created).ThenByDescending(d => d, ByVersion);
            foreach (var decision in ranked.Skip(newest))
            {
                dropped.Add(decision);
            }
        }

        Drop(live, SelectionStep.Newest, dropped.Contains);
    }

    private string GroupKey(TagDecision decision)
    {
        var version = decision.Version;
        var variant = UsesVersions && version is not null ? version.Variant ?? string.Empty : string.Empty;
        var line = version is null ? "-" : NewestPer switch
        {
            VersionLine.Major => version.Major.ToString(System.Globalization.CultureInfo.InvariantCulture),
            VersionLine.Minor => $"{version.Major}.{version.Minor}",
            _ => string.Empty,
        };
        return NewestPer == VersionLine.All ? variant : variant + "\n" + line;
    }

    private string DescribeDateRules() =>
        string.Join(" ", new[]
        {
            CreatedSince is { } s ? $"created since {s:o}" : null,
            CreatedBefore is { } b ? $"created before {b:o}" : null,
            Newest is not null && NewestBy == NewestBy.Created ? $"newest {Newest} by created date" : null,
        }.Where(x => x is not null));
}
