using System;
using System.Reflection;
using System.Runtime.Loader;

namespace OciImage.Isolation;

/// <summary>Called by the cmdlet assembly (by reflection, as it targets netstandard2.0) when the module is imported.</summary>
public static class EngineIsolation
{
    private const string EngineAssemblyName = "OciImage.Core";
    private static readonly object Gate = new();
    private static EngineLoadContext? _context;

    /// <summary>
    /// Serves OciImage.Core from <paramref name="privateFolder"/> in the engine's own context when the
    /// default context looks for it. Once per process: later imports (other runspaces, re-imports after
    /// Remove-Module) reuse the same context, as the default context keeps what it was given.
    /// </summary>
    public static void Install(string privateFolder)
    {
        lock (Gate)
        {
            if (_context is not null)
            {
                return;
            }

            _context = new EngineLoadContext(privateFolder);
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, EngineAssemblyName, StringComparison.OrdinalIgnoreCase)
            ? _context!.LoadFromAssemblyName(name)
            : null;
}
