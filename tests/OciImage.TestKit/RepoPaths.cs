using System;
using System.IO;

namespace OciImage.TestKit;

/// <summary>Finds the checkout and its neighbours from wherever the tests run.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OciImage.psd1")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (OciImage.psd1) above " + AppContext.BaseDirectory);
    });

    public static string Root => RootLazy.Value;

    /// <summary>The built module folder the module tests import.</summary>
    public static string ModuleFolder => Path.Combine(Root, "out", "OciImage");

    /// <summary>../shared/oci-schemas beside the checkout; absent outside this workplace.</summary>
    public static string SchemaFolder => Path.GetFullPath(Path.Combine(Root, "..", "shared", "oci-schemas"));
}
