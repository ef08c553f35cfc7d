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
    private readonly string _folder;
    private readonly string? _readyToRun;

    public EngineLoadContext(string folder)
        : base("OciImage")
    {
        _folder = folder;

        // The ReadyToRun copies for this OS, architecture and .NET major, if the module has them (less JIT at start-up).
        _readyToRun = ReadyToRunFolder.Find(folder);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // What the module keeps in its private folder is ours alone; everything else (the framework,
        // System.Text.Json, Microsoft.Bcl.AsyncInterfaces) is shared with the default context, because
        // types from it cross between the cmdlets and the engine.
        var path = ReadyToRunFolder.Choose(_folder, _readyToRun, assemblyName.Name + ".dll");
        return path is null ? null : LoadFromAssemblyPath(path);
    }
}
