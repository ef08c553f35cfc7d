using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>
/// Smaller trees cut from a real one, for the layer-build curve: the first files in path order up to a share of
/// the tree's bytes, with their directories, as hard links (no bytes copied; a copy where links cannot be made).
/// </summary>
public static class TreeSlices
{
    /// <summary>A tree of about <paramref name="share"/> of <paramref name="tree"/>'s bytes under <paramref name="into"/>; the bytes it holds.</summary>
    public static long Make(string tree, double share, string into)
    {
        var files = new DirectoryInfo(tree).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .OrderBy(f => f.FullName, StringComparer.Ordinal).ToList();
        var target = files.Sum(f => f.Length) * share;
        var chosen = new List<string>();
        long bytes = 0;
        foreach (var file in files)
        {
            if (bytes >= target)
            {
                break;
            }

            chosen.Add(Path.GetRelativePath(tree, file.FullName));
            bytes += file.Length;
        }

        Directory.CreateDirectory(into);
        var list = into + ".list";
        File.WriteAllText(list, string.Join("\0", chosen) + "\0");
        try
        {
            // cp --parents keeps each file's directories; -l links instead of copying.
            var link = ExternalTool.TryRun("bash", "-c", $"cd \"{tree}\" && xargs -0 cp -l --parents -t \"{into}\" < \"{list}\"");
            if (link.ExitCode != 0)
            {
                ExternalTool.Run("bash", "-c", $"cd \"{tree}\" && xargs -0 cp -p --parents -t \"{into}\" < \"{list}\"");
            }
        }
        finally
        {
            File.Delete(list);
        }

        return bytes;
    }
}
