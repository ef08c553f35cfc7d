using System;
using System.IO;

namespace OciImage.TestKit;

/// <summary>A small directory tree with the cases a layer must get right.</summary>
public static class SampleTrees
{
    public static readonly string LongName = "deep/" + new string('n', 120) + "/" + new string('f', 110) + ".txt";

    /// <summary>Regular files in the tree (links and directories not counted).</summary>
    public const int FileCount = 5;

    public static string Make(string root, int bigFile = 0)
    {
        Directory.CreateDirectory(Path.Combine(root, "app"));
        File.WriteAllText(Path.Combine(root, "app", "main.sh"), "#!/bin/sh\necho hello\n");
        File.SetUnixFileMode(Path.Combine(root, "app", "main.sh"), (UnixFileMode)0x1ED);
        File.WriteAllText(Path.Combine(root, "app", "readme.txt"), string.Concat(System.Linq.Enumerable.Repeat("The quick brown fox. ", 500)));
        File.CreateSymbolicLink(Path.Combine(root, "app", "link"), "readme.txt");
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        Directory.CreateDirectory(Path.Combine(root, "données"));
        File.WriteAllText(Path.Combine(root, "données", "café.txt"), "crème");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, LongName))!);
        File.WriteAllText(Path.Combine(root, LongName), "long");
        var random = new byte[Math.Max(bigFile, 1000)];
        new Random(42).NextBytes(random);
        File.WriteAllBytes(Path.Combine(root, "app", "data.bin"), random);
        return root;
    }
}
