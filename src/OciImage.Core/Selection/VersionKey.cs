using System;
using System.Collections.Generic;

namespace OciImage.Core.Selection;

/// <summary>
/// A point on the version line, for comparing versions and range bounds: four numbers (missing ones are 0),
/// then a pre-release or none. A floor is the lowest point of its numbers, below all their pre-releases
/// (node-semver writes it <c>1.3.0-0</c>): ranges use it as the open end of <c>&lt;1.3</c>.
/// </summary>
internal sealed class VersionKey : IComparable<VersionKey>
{
    public const int Width = 4;

    public VersionKey(IReadOnlyList<long> numbers, Prerelease? prerelease, bool floor = false)
    {
        var padded = new long[Width];
        for (var i = 0; i < Math.Min(Width, numbers.Count); i++)
        {
            padded[i] = numbers[i];
        }

        Numbers = padded;
        Prerelease = floor ? null : prerelease;
        Floor = floor;
    }

    public long[] Numbers { get; }

    public Prerelease? Prerelease { get; }

    public bool Floor { get; }

    public bool SameNumbers(VersionKey other)
    {
        for (var i = 0; i < Width; i++)
        {
            if (Numbers[i] != other.Numbers[i])
            {
                return false;
            }
        }

        return true;
    }

    public int CompareTo(VersionKey? other)
    {
        if (other is null)
        {
            return 1;
        }

        for (var i = 0; i < Width; i++)
        {
            if (Numbers[i] != other.Numbers[i])
            {
                return Numbers[i].CompareTo(other.Numbers[i]);
            }
        }

        // Same numbers: floor < any pre-release < the release.
        return Stage(this).CompareTo(Stage(other)) is var stage && stage != 0
            ? stage
            : Prerelease is null ? 0 : Prerelease.CompareTo(other.Prerelease);
    }

    private static int Stage(VersionKey key) => key.Floor ? 0 : key.Prerelease is null ? 2 : 1;
}
