using System;
using System.IO;

namespace OciImage.Desktop.Tests.Support;

/// <summary>The repository root, found from the test assembly upwards (the test kit targets .NET only).</summary>
internal static class DesktopPaths
{
    public static readonly string Root = FindRoot();

    public static string Hello => Path.Combine(Root, "tests", "data", "hello");

    private static string FindRoot()
    {
        for (var folder = AppDomain.CurrentDomain.BaseDirectory; folder is not null; folder = Path.GetDirectoryName(folder.TrimEnd(Path.DirectorySeparatorChar)))
        {
            if (File.Exists(Path.Combine(folder, "OciImage.slnx")))
            {
                return folder;
            }
        }

        throw new DirectoryNotFoundException("no OciImage.slnx above " + AppDomain.CurrentDomain.BaseDirectory);
    }
}
