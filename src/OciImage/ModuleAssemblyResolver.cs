using System;
using System.IO;
using System.Reflection;

namespace OciImage;

/// <summary>
/// Resolves the module's own assemblies from its folder and lib/ when the runtime cannot: on Windows PowerShell
/// (no binding redirects for what System.Text.Json needs; the engine sits in lib/, which nothing probes) and on
/// PowerShell 7 for the shared assemblies beside the cmdlets. Only what the module ships at least at the version
/// asked for is handed back, loaded by path, so another module's copy of the same library (another version,
/// elsewhere) stays as it is beside ours. No PowerShell type here: tested without PowerShell.
/// </summary>
public sealed class ModuleAssemblyResolver
{
    private readonly string[] _folders;

    /// <param name="moduleFolder">The folder of OciImage.dll; its lib/ holds the engine.</param>
    public ModuleAssemblyResolver(string moduleFolder)
    {
        _folders = new[] { moduleFolder, Path.Combine(moduleFolder, "lib") };
    }

    public void Install() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

    public void Uninstall() => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

    /// <summary>The handler: the module's copy of <paramref name="args"/>' assembly, or null to let the failure be reported.</summary>
    public Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name);
        foreach (var folder in _folders)
        {
            var candidate = Path.Combine(folder, name.Name + ".dll");
            if (!File.Exists(candidate))
            {
                continue;
            }

            // Only when what we ship is at least the version asked for; otherwise let the failure be reported.
            var shipped = AssemblyName.GetAssemblyName(candidate);
            return name.Version is null || shipped.Version >= name.Version ? Assembly.LoadFrom(candidate) : null;
        }

        return null;
    }
}
