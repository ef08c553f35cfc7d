using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace OciImage.TestKit;

/// <summary>
/// A directory tree as sorted lines "TYPE MODE UID:GID PATH [-> TARGET | SHA256]" (find's lstat view, plus the
/// hash of each regular file's content), so trees unpacked by different tools compare line by line.
/// </summary>
public static class TreeListing
{
    public static IReadOnlyList<string> Of(string root)
    {
        var lines = new List<string>();
        var found = ExternalTool.Run("find", root, "-mindepth", "1", "-printf", "%y %m %U:%G %P\\0%l\\n");
        foreach (var line in found.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\0');
            var head = parts[0];
            var text = head;
            if (head.StartsWith("l ", StringComparison.Ordinal))
            {
                text += " -> " + parts[1];
            }
            else if (head.StartsWith("f ", StringComparison.Ordinal))
            {
                var path = Path.Combine(root, head.Split(' ', 4)[3]);
                using var stream = File.OpenRead(path);
                text += " " + Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant().Substring(0, 16);
            }

            lines.Add(text);
        }

        return lines.OrderBy(l => l.Split(' ', 4)[3], StringComparer.Ordinal).ToList();
    }

    /// <summary>The names that share one file (hard links), as sorted lines "a = b", so link structure compares too.</summary>
    public static IReadOnlyList<string> HardLinkGroups(string root)
    {
        var found = ExternalTool.Run("find", root, "-mindepth", "1", "-not", "-type", "d", "-links", "+1", "-printf", "%i %P\\n");
        return found.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .GroupBy(parts => parts[0], parts => parts[1])
            .Select(group => string.Join(" = ", group.OrderBy(p => p, StringComparer.Ordinal)))
            .OrderBy(l => l, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The lines one listing has and the other lacks, for an assertion message.</summary>
    public static string Difference(IReadOnlyList<string> expected, IReadOnlyList<string> actual) =>
        "only expected:\n  " + string.Join("\n  ", expected.Except(actual)) + "\nonly actual:\n  " + string.Join("\n  ", actual.Except(expected));
}
