using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace OciImage;

/// <summary>
/// Resolves the module's own dependencies (OciImage.Core, Microsoft.Bcl.AsyncInterfaces, ...) from the module
/// folder when the runtime cannot find them elsewhere. PowerShell loads the root assembly with LoadFrom, which
/// does not probe beside it for dependencies of dependencies.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string ModuleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    public void OnImport()
    {
        AppDomain.CurrentDomain.AssemblyResolve += ResolveFromModuleFolder;
        TypeAccelerators.Register();
    }

    public void OnRemove(PSModuleInfo module)
    {
        TypeAccelerators.Unregister();
        AppDomain.CurrentDomain.AssemblyResolve -= ResolveFromModuleFolder;
    }

    private static Assembly? ResolveFromModuleFolder(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name);
        var candidate = Path.Combine(ModuleFolder, name.Name + ".dll");
        if (!File.Exists(candidate))
        {
            return null;
        }

        // Only when what we ship is at least the version asked for; otherwise let the failure be reported.
        var shipped = AssemblyName.GetAssemblyName(candidate);
        return name.Version is null || shipped.Version >= name.Version ? Assembly.LoadFrom(candidate) : null;
    }
}
