using System.Collections.Generic;
using System.Linq;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Attacks quadratic work in whiteout handling: layers where every entry is followed by an opaque marker or a
/// whiteout, so a reader that rescans what it has written (or the whole tree) per marker does entries² work
/// from a layer of a few hundred kilobytes. Each method gives the layers for a count, so a test can compare
/// the work at n and at 4n (linear: about 4 times; quadratic: about 16).
/// </summary>
public static class OpaqueMarkerFlood
{
    /// <summary>
    /// Layer 0: <paramref name="count"/> files in "o/" and as many directories "s/N/" with a file each. Layer 1:
    /// each "s/N/" gets a new file and an opaque marker of its own; "o/" gets its files back, each followed by a
    /// marker of "o/" (spelt three ways), and a whiteout of a path nobody has.
    /// </summary>
    public static IReadOnlyList<byte[]> Layers(int count)
    {
        var lower = new HostileTar().Directory("o/").Directory("s/");
        var upper = new HostileTar().Directory("o/").Directory("s/");
        foreach (var i in Enumerable.Range(0, count))
        {
            lower.File($"o/{i}", 1).Directory($"s/{i}/").File($"s/{i}/old", 1);
            upper.Directory($"s/{i}/").File($"s/{i}/new", 1).Opaque($"s/{i}");
        }

        foreach (var i in Enumerable.Range(0, count))
        {
            upper.File($"o/{i}", 2).Opaque((i % 3) switch { 0 => "o", 1 => "./o", _ => "o/." }).Whiteout($"o/missing{i}");
        }

        return new[] { lower.ToArray(), upper.ToArray() };
    }
}
