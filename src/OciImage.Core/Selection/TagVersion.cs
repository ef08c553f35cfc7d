using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace OciImage.Core.Selection;

/// <summary>
/// A tag read as a version, the way Docker Hub users mean it (docs/TAG-SELECTION.md):
/// <list type="bullet">
/// <item><c>v1.2.3</c>, <c>1.2</c>, <c>1</c>, <c>2024.01.15</c>, <c>1.2.3.4</c>: versions (an optional v or V,
/// then one to four numbers; missing ones count as 0 when compared).</item>
/// <item>A suffix after the first <c>-</c> is a pre-release when its first word is a pre-release keyword, alone
/// or with a number: dev, alpha, beta, pre, preview, rc (any case), as in <c>1.2.3-rc.1</c>, <c>1.2.3-beta2</c>,
/// <c>1.2.3-alpha</c>, <c>1.2.3-RC-1</c> (a segment of digits right after the keyword belongs to it). A keyword
/// glued to the numbers is a pre-release too, as Python's images write it: <c>3.13.0rc1</c>, <c>3.13.0b2</c>,
/// <c>3.13.0a1</c> (a and b only with a number).</item>
/// <item>Everything else after the <c>-</c> (what follows a pre-release too) is the variant:
/// <c>1.2.3-alpine</c> is version 1.2.3 of the variant <c>alpine</c>; <c>8.0-preview.3-bookworm-slim</c> is
/// pre-release preview.3 of 8.0, variant <c>bookworm-slim</c>; <c>1.2.3-1</c> is variant <c>1</c>.</item>
/// <item>Anything else is not a version: <c>latest</c>, <c>alpine3.19</c>, <c>1.2.3.4.5</c>, <c>1.2_3</c>,
/// <c>1.2.3a</c>, a number of over 18 digits, a tag over 128 characters.</item>
/// </list>
/// Order (<see cref="CompareTo"/>) is semver 2.0 precedence over the four numbers and the pre-release (a release
/// after its pre-releases; pre-releases by keyword stage dev &lt; alpha &lt; beta &lt; pre/preview &lt; rc, then
/// semver's identifier rules), and, to be total and stable, ties broken by fewer numbers first (<c>1.2</c> before
/// <c>1.2.0</c>), no variant before a variant (then variants by ordinal text), no <c>v</c> before <c>v</c>, then the
/// tag's ordinal text.
/// </summary>
public sealed class TagVersion : IComparable<TagVersion>, IEquatable<TagVersion>
{
    /// <summary>The longest tag the distribution spec allows; longer input is no version (and bounds the work).</summary>
    public const int MaxTagLength = 128;

    private static readonly Regex Shape = new(
        "^(?<v>[vV])?(?<n>[0-9]{1,18})(?:\\.(?<n>[0-9]{1,18})){0,3}" +
        "(?<glued>(?:[Aa][Ll][Pp][Hh][Aa]|[Bb][Ee][Tt][Aa]|[Pp][Rr][Ee][Vv][Ii][Ee][Ww]|[Pp][Rr][Ee]|[Rr][Cc]|[Dd][Ee][Vv])[0-9]*|[AaBb][0-9]+)?" +
        "(?:-(?<rest>[A-Za-z0-9_.-]+))?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));

    private static readonly Regex KeywordWord = new("^(?<k>[A-Za-z]+)[0-9]*$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private TagVersion(string tag, string? prefix, IReadOnlyList<long> numbers, string? prerelease, string? variant)
    {
        Tag = tag;
        Prefix = prefix;
        Numbers = numbers;
        Prerelease = prerelease;
        Variant = variant;
        Key = new VersionKey(numbers, prerelease is null ? null : Selection.Prerelease.Parse(prerelease));
    }

    /// <summary>The tag as written.</summary>
    public string Tag { get; }

    /// <summary>"v" or "V" when the tag starts with it, else null.</summary>
    public string? Prefix { get; }

    /// <summary>The numbers as written: one to four.</summary>
    public IReadOnlyList<long> Numbers { get; }

    public long Major => Numbers[0];

    public long Minor => Numbers.Count > 1 ? Numbers[1] : 0;

    public long Patch => Numbers.Count > 2 ? Numbers[2] : 0;

    /// <summary>The pre-release as written (<c>rc.1</c>, <c>beta2</c>), or null for a release.</summary>
    public string? Prerelease { get; }

    public bool IsPrerelease => Prerelease is not null;

    /// <summary>The variant (<c>alpine</c>, <c>bookworm-slim</c>), or null.</summary>
    public string? Variant { get; }

    internal VersionKey Key { get; }

    /// <summary>Reads a tag as a version; null when it is not one (latest, a branch name, a digest-like tag).</summary>
    public static TagVersion? TryParse(string? tag)
    {
        if (tag is null || tag.Length == 0 || tag.Length > MaxTagLength)
        {
            return null;
        }

        var match = Shape.Match(tag);
        if (!match.Success)
        {
            return null;
        }

        var numbers = match.Groups["n"].Captures.Cast<Capture>().Select(c => long.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var prerelease = match.Groups["glued"].Success ? match.Groups["glued"].Value : null;
        string? variant = null;
        if (match.Groups["rest"].Success)
        {
            var segments = match.Groups["rest"].Value.Split('-');
            if (segments.Any(s => s.Length == 0))
            {
                return null; // "1.2-", "1.2--x": not what anyone tags a version with
            }

            var next = 0;
            if (prerelease is null && IsPrereleaseSegment(segments[0]))
            {
                prerelease = segments[0];
                next = 1;
            }

            if (prerelease is not null)
            {
                // "rc-1": a run of digits right after the pre-release is its number, not a variant.
                while (next < segments.Length && segments[next].All(char.IsDigit))
                {
                    prerelease += "-" + segments[next++];
                }
            }

            variant = next < segments.Length ? string.Join("-", segments.Skip(next)) : null;
        }

        return new TagVersion(tag, match.Groups["v"].Success ? match.Groups["v"].Value : null, numbers, prerelease, variant);
    }

    /// <summary>Orders tag strings: versions first by <see cref="CompareTo"/>, then the others by ordinal text (how Get-OciTag can sort).</summary>
    public static IComparer<string> TagComparer { get; } = new TagStringComparer();

    /// <summary>semver precedence alone: the numbers (missing as 0) and the pre-release; 0 for <c>1.2</c> and <c>v1.2.0-alpine</c>.</summary>
    public int ComparePrecedence(TagVersion other) => Key.CompareTo(other.Key);

    /// <summary>A total, stable order: precedence, then fewer numbers, the variant, the prefix, the tag text.</summary>
    public int CompareTo(TagVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        var order = ComparePrecedence(other);
        if (order == 0)
        {
            order = Numbers.Count.CompareTo(other.Numbers.Count);
        }

        if (order == 0)
        {
            order = (Variant is null).CompareTo(other.Variant is null) * -1;
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(Variant ?? string.Empty, other.Variant ?? string.Empty);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(Prefix ?? string.Empty, other.Prefix ?? string.Empty);
        }

        return order != 0 ? order : string.CompareOrdinal(Tag, other.Tag);
    }

    public bool Equals(TagVersion? other) => other is not null && string.Equals(Tag, other.Tag, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is TagVersion other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Tag);

    public override string ToString() => Tag;

    /// <summary>A dash segment is a pre-release when its first dot-word is a keyword, alone or followed by digits (rc, rc1, rc.1); not a or b.</summary>
    private static bool IsPrereleaseSegment(string segment)
    {
        var word = segment.Split('.')[0];
        var match = KeywordWord.Match(word);
        return match.Success && match.Groups["k"].Value.Length > 1 && Selection.Prerelease.Keywords.ContainsKey(match.Groups["k"].Value);
    }

    private sealed class TagStringComparer : IComparer<string>
    {
        public int Compare(string? x, string? y)
        {
            var a = TryParse(x);
            var b = TryParse(y);
            if (a is not null && b is not null)
            {
                return a.CompareTo(b);
            }

            if (a is not null || b is not null)
            {
                return a is not null ? -1 : 1;
            }

            return string.CompareOrdinal(x, y);
        }
    }
}
