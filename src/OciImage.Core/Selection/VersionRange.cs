using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using OciImage.Core.Errors;

namespace OciImage.Core.Selection;

/// <summary>
/// A version range in node-semver's syntax: comparators joined by spaces (and) and <c>||</c> (or):
/// <c>'&gt;=1.25 &lt;2'</c>, <c>'~1.25'</c> (&gt;=1.25.0 &lt;1.26), <c>'^1.2'</c> (&gt;=1.2.0 &lt;2; <c>^0.2.3</c> is
/// &lt;0.3, <c>^0.0.3</c> &lt;0.0.4), <c>'1.25.x'</c> / <c>'1.25'</c> / <c>'1.25.*'</c> (the 1.25 line),
/// <c>'=1.2.3'</c>, <c>'1.2 - 1.4'</c> (&gt;=1.2.0, up to the whole 1.4 line), <c>'*'</c> (every version).
/// A comma is read as a space (<c>'&gt;=1.25, &lt;2'</c>), a space after an operator is allowed, a leading v is
/// ignored, <c>~&gt;</c> is <c>~</c>. Partial versions widen as in node-semver: <c>&gt;1.2</c> is &gt;=1.3.0,
/// <c>&lt;=1.2</c> is &lt;1.3.0. A version matches when its numbers and pre-release do (the variant is the
/// selection's other rule). Pre-releases match only when a comparator of the same alternative names a
/// pre-release of the same numbers (<c>'&gt;=1.3.0-rc.1 &lt;2'</c> takes 1.3.0-rc.2, not 1.4.0-rc.1), or when
/// <c>includePrerelease</c> is set. A range that does not parse is <see cref="InvalidSelectionException"/>.
/// </summary>
public sealed class VersionRange
{
    private const string What = "version range";

    private static readonly Regex Partial = new(
        "^[vV]?(?<n>[0-9]{1,18}|[xX*])(?:\\.(?<n>[0-9]{1,18}|[xX*])){0,3}(?:-(?<pre>[0-9A-Za-z][0-9A-Za-z.-]*))?$",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));

    private static readonly Regex SpaceAfterOperator = new("(>=|<=|~>|[<>=~^])\\s+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private static readonly Regex Hyphen = new("^(?<from>\\S+)\\s+-\\s+(?<to>\\S+)$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));

    private readonly IReadOnlyList<IReadOnlyList<Comparator>> _alternatives;

    private VersionRange(string text, IReadOnlyList<IReadOnlyList<Comparator>> alternatives)
    {
        Text = text;
        _alternatives = alternatives;
    }

    public string Text { get; }

    public static VersionRange Parse(string text)
    {
        if (text is null || text.Trim().Length == 0)
        {
            throw new InvalidSelectionException(What, text ?? string.Empty, "it is empty; " + Help);
        }

        if (text.Length > 1024)
        {
            throw new InvalidSelectionException(What, text.Substring(0, 64) + "...", "it is over 1,024 characters long");
        }

        var alternatives = new List<IReadOnlyList<Comparator>>();
        foreach (var alternative in text.Split(new[] { "||" }, StringSplitOptions.None))
        {
            alternatives.Add(ParseAlternative(text, alternative.Replace(',', ' ').Trim()));
        }

        return new VersionRange(text, alternatives);
    }

    public override string ToString() => Text;

    /// <summary>True when the version's numbers and pre-release are in the range (see the class for pre-releases).</summary>
    public bool Contains(TagVersion version, bool includePrerelease = false)
    {
        var key = version.Key;
        foreach (var comparators in _alternatives)
        {
            if (!comparators.All(c => c.Admits(key)))
            {
                continue;
            }

            if (key.Prerelease is null || includePrerelease
                || comparators.Any(c => c.Key.Prerelease is not null && c.Key.SameNumbers(key)))
            {
                return true;
            }
        }

        return false;
    }

    private const string Help =
        "write comparators such as '>=1.25 <2', '~1.25', '^1.2', '1.25.x', '=1.2.3' or '1.2 - 1.4' (a space means and, || means or)";

    private static IReadOnlyList<Comparator> ParseAlternative(string whole, string alternative)
    {
        if (alternative.Length == 0 || alternative == "*")
        {
            return new[] { Comparator.Any };
        }

        var hyphen = Hyphen.Match(alternative);
        if (hyphen.Success)
        {
            var from = ParsePartial(whole, hyphen.Groups["from"].Value);
            var to = ParsePartial(whole, hyphen.Groups["to"].Value);
            return new[] { AtLeast(from), AtMost(to) };
        }

        var comparators = new List<Comparator>();
        foreach (var token in SpaceAfterOperator.Replace(alternative, "$1").Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries))
        {
            comparators.AddRange(ParseComparator(whole, token));
        }

        return comparators;
    }

    private static IEnumerable<Comparator> ParseComparator(string whole, string token)
    {
        var op = token.StartsWith(">=", StringComparison.Ordinal) ? ">=" : token.StartsWith("<=", StringComparison.Ordinal) ? "<="
            : token.StartsWith("~>", StringComparison.Ordinal) ? "~" : token.Length > 0 && "<>=~^".IndexOf(token[0]) >= 0 ? token.Substring(0, 1) : string.Empty;
        var rest = token.Substring(token.StartsWith("~>", StringComparison.Ordinal) ? 2 : op.Length);
        if (rest.Length == 0)
        {
            throw new InvalidSelectionException(What, whole, $"'{token}' has no version after the operator; " + Help);
        }

        var partial = ParsePartial(whole, rest);
        switch (op)
        {
            case ">=":
                return new[] { AtLeast(partial) };
            case "<=":
                return new[] { AtMost(partial) };
            case ">":
                return new[] { partial.IsFull ? new Comparator(Op.Greater, partial.Key) : partial.Count == 0 ? Comparator.None : new Comparator(Op.AtLeast, partial.Next(partial.Count)) };
            case "<":
                return new[] { partial.Count == 0 ? Comparator.None : new Comparator(Op.Less, partial.IsFull ? partial.Key : partial.Floor) };
            case "~":
                return partial.Count == 0 ? new[] { Comparator.Any } : new[] { AtLeast(partial), new Comparator(Op.Less, partial.Next(Math.Min(partial.Count, 2))) };
            case "^":
                return partial.Count == 0 ? new[] { Comparator.Any } : new[] { AtLeast(partial), new Comparator(Op.Less, partial.Next(CaretPosition(partial))) };
            default: // "=" or none: a full version exactly, a partial one its whole line
                return partial.IsFull ? new[] { new Comparator(Op.Equal, partial.Key) }
                    : partial.Count == 0 ? new[] { Comparator.Any } : new[] { AtLeast(partial), new Comparator(Op.Less, partial.Next(partial.Count)) };
        }
    }

    /// <summary>^ allows changes right of the first non-zero number given (node-semver): ^1.2 &lt;2, ^0.2 &lt;0.3, ^0.0.3 &lt;0.0.4, ^0.0 &lt;0.1.</summary>
    private static int CaretPosition(PartialVersion partial)
    {
        for (var i = 0; i < Math.Min(partial.Count, 3); i++)
        {
            if (partial.Numbers[i] != 0)
            {
                return i + 1;
            }
        }

        return Math.Min(partial.Count, 3);
    }

    private static Comparator AtLeast(PartialVersion partial) =>
        partial.Count == 0 ? Comparator.Any : new Comparator(Op.AtLeast, partial.IsFull ? partial.Key : partial.Floor);

    private static Comparator AtMost(PartialVersion partial) =>
        partial.Count == 0 ? Comparator.Any : partial.IsFull ? new Comparator(Op.AtMost, partial.Key) : new Comparator(Op.Less, partial.Next(partial.Count));

    private static PartialVersion ParsePartial(string whole, string text)
    {
        var match = Partial.Match(text);
        if (!match.Success)
        {
            throw new InvalidSelectionException(What, whole, $"'{text}' is not a version (one to four numbers, x or * for any); " + Help);
        }

        var parts = match.Groups["n"].Captures.Cast<Capture>().Select(c => c.Value).ToList();
        var numbers = new List<long>();
        foreach (var part in parts)
        {
            if (part is "x" or "X" or "*")
            {
                break;
            }

            numbers.Add(long.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
        }

        if (parts.Skip(numbers.Count).Any(p => p is not ("x" or "X" or "*")))
        {
            throw new InvalidSelectionException(What, whole, $"'{text}' has a number after a wildcard");
        }

        var prerelease = match.Groups["pre"].Success ? match.Groups["pre"].Value : null;
        if (prerelease is not null && numbers.Count < 3)
        {
            throw new InvalidSelectionException(What, whole, $"'{text}' names a pre-release of a partial version; give major.minor.patch-{prerelease}");
        }

        return new PartialVersion(numbers, prerelease is null ? null : Prerelease.Parse(prerelease));
    }

    private enum Op
    {
        Less,
        AtMost,
        Equal,
        AtLeast,
        Greater,
        Any,
        None,
    }

    /// <summary>A version as a range writes it: up to four numbers (the rest x), perhaps a pre-release.</summary>
    private sealed class PartialVersion(List<long> numbers, Prerelease? prerelease)
    {
        public IReadOnlyList<long> Numbers { get; } = numbers;

        public int Count => Numbers.Count;

        /// <summary>major.minor.patch at least: compared as written; fewer numbers make a line.</summary>
        public bool IsFull => Count >= 3;

        public VersionKey Key { get; } = new(numbers, prerelease);

        public VersionKey Floor => new(Numbers, null, floor: true);

        /// <summary>The floor of the next line at this position: Next(2) of 1.25.3 is 1.26.0-0.</summary>
        public VersionKey Next(int count)
        {
            var next = Numbers.Take(count).ToList();
            next[count - 1] = next[count - 1] == long.MaxValue ? long.MaxValue : next[count - 1] + 1;
            return new VersionKey(next, null, floor: true);
        }
    }

    private sealed class Comparator(Op op, VersionKey key)
    {
        public static readonly Comparator Any = new(Op.Any, new VersionKey(Array.Empty<long>(), null, floor: true));

        public static readonly Comparator None = new(Op.None, new VersionKey(Array.Empty<long>(), null, floor: true));

        public VersionKey Key { get; } = key;

        public bool Admits(VersionKey version)
        {
            var order = version.CompareTo(Key);
            return op switch
            {
                Op.Less => order < 0,
                Op.AtMost => order <= 0,
                Op.Equal => order == 0,
                Op.AtLeast => order >= 0,
                Op.Greater => order > 0,
                Op.Any => true,
                _ => false,
            };
        }
    }
}
