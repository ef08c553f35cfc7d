using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace OciImage.Core.Selection;

/// <summary>
/// The pre-release part of a version (<c>rc.1</c>, <c>beta2</c>, <c>alpha</c>), ordered as semver 2.0 orders
/// identifiers with one difference users expect: the leading keyword ranks by its stage, dev &lt; alpha (a) &lt;
/// beta (b) &lt; pre = preview &lt; rc, not alphabetically (semver would put dev after beta). A keyword glued to
/// its number (<c>beta2</c>, <c>rc10</c>) is split, so <c>beta10</c> comes after <c>beta2</c>.
/// </summary>
internal sealed class Prerelease : IComparable<Prerelease>
{
    /// <summary>The keywords that make a suffix a pre-release, and their rank; any other suffix is a variant.</summary>
    internal static readonly IReadOnlyDictionary<string, int> Keywords = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["dev"] = 0,
        ["alpha"] = 1,
        ["a"] = 1,
        ["beta"] = 2,
        ["b"] = 2,
        ["pre"] = 3,
        ["preview"] = 3,
        ["rc"] = 4,
    };

    private static readonly Regex Runs = new("[0-9]+|[A-Za-z_]+", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    private Prerelease(string text, int rank, IReadOnlyList<object> identifiers)
    {
        Text = text;
        Rank = rank;
        Identifiers = identifiers;
    }

    public string Text { get; }

    /// <summary>The keyword's stage, or -1 for a pre-release written in a range without a keyword (<c>1.2.3-0</c>).</summary>
    public int Rank { get; }

    /// <summary>The identifiers after the keyword: numbers (long) and words (string).</summary>
    public IReadOnlyList<object> Identifiers { get; }

    /// <summary>Reads <c>rc.1</c>, <c>beta2</c>, <c>RC-1</c>; in a range any semver pre-release (<c>0</c>, <c>x.7</c>) is taken too.</summary>
    public static Prerelease Parse(string text)
    {
        var identifiers = new List<object>();
        foreach (Match run in Runs.Matches(text))
        {
            identifiers.Add(char.IsDigit(run.Value[0]) && long.TryParse(run.Value, out var number) ? number : run.Value);
        }

        var rank = -1;
        if (identifiers.Count > 0 && identifiers[0] is string first && Keywords.TryGetValue(first, out var known))
        {
            rank = known;
            identifiers.RemoveAt(0);
        }

        return new Prerelease(text, rank, identifiers);
    }

    public int CompareTo(Prerelease? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (Rank != other.Rank)
        {
            return Rank.CompareTo(other.Rank);
        }

        for (var i = 0; i < Math.Min(Identifiers.Count, other.Identifiers.Count); i++)
        {
            var order = (Identifiers[i], other.Identifiers[i]) switch
            {
                (long a, long b) => a.CompareTo(b),
                (long, string) => -1, // semver: numeric identifiers rank below words
                (string, long) => 1,
                (string a, string b) => string.CompareOrdinal(a.ToLowerInvariant(), b.ToLowerInvariant()),
                _ => 0,
            };
            if (order != 0)
            {
                return order;
            }
        }

        return Identifiers.Count.CompareTo(other.Identifiers.Count);
    }
}
