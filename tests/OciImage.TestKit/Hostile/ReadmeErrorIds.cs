using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OciImage.TestKit.Hostile;

/// <summary>The ErrorIds of the README's error table: the only ones a cmdlet or engine reader may produce.</summary>
public static class ReadmeErrorIds
{
    private static readonly Lazy<IReadOnlySet<string>> Ids = new(Load);

    public static IReadOnlySet<string> All => Ids.Value;

    private static IReadOnlySet<string> Load()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("| ErrorId |", StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException("README.md has no error table (| ErrorId | ...)");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith("|", StringComparison.Ordinal)))
        {
            foreach (var id in line.Split('|')[1].Split(','))
            {
                ids.Add(id.Trim());
            }
        }

        return ids;
    }
}
