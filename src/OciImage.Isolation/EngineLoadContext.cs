using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace OciImage.Isolation;

/// <summary>
/// The context the engine (OciImage.Core) and its private libraries live in. Load is overridden because a
/// plain context asks the default one first, which would hand back another module's copy.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string[] _folders;

    public EngineLoadContext(string folder)
        : base("OciImage")
    {
        // The ReadyToRun copies for this OS, architecture and .NET major first (same IL, less JIT at start-up), then the IL.
        _folders = ReadyToRunFolder.Find(folder) is { } compiled ? new[] { compiled, folder } : new[] { folder };
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // What the module keeps in its private folder is ours alone; everything else (the framework,
        // System.Text.Json, Microsoft.Bcl.AsyncInterfaces) is shared with the default context, because
        // types from it cross between the cmdlets and the engine.
        foreach (var folder in _folders)
        {
            var path = Path.Combine(folder, assemblyName.Name + ".dll");
            if (File.Exists(path))
            {
                return LoadFromAssemblyPath(path);
            }
        }

        return null;
    }
}
