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

    /// <summary>
    /// The built program (dll, run with dotnet) of another project under tests/, in the same configuration and
    /// framework as the running one; it is built first by a project reference that does not reference its output.
    /// </summary>
    public static string BuiltProgram(string project)
    {
        var tests = Path.Combine(Root, "tests") + Path.DirectorySeparatorChar;
        var here = Path.GetFullPath(AppContext.BaseDirectory);
        var tail = here.StartsWith(tests, StringComparison.Ordinal)
            ? here.Substring(tests.Length).Split(new[] { Path.DirectorySeparatorChar }, 2)[1]
            : throw new InvalidOperationException("The tests do not run from under " + tests);
        var program = Path.Combine(tests, project, tail, project + ".dll");
        return File.Exists(program) ? program : throw new FileNotFoundException("Build " + project + " first", program);
    }

    /// <summary>../shared/oci-schemas beside the checkout; absent outside this workplace.</summary>
    public static string SchemaFolder => Path.GetFullPath(Path.Combine(Root, "..", "shared", "oci-schemas"));
}
