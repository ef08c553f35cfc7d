using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;

namespace OciImage;

/// <summary>
/// Makes the module's own assemblies loadable. The engine (OciImage.Core) and the libraries only it uses sit in
/// lib/: on PowerShell 7 they load in the engine's own AssemblyLoadContext (OciImage.Isolation), so a different
/// SharpZipLib or ZstdSharp loaded by another module cannot clash with ours. Windows PowerShell has no load
/// contexts; there, and for the shared assemblies beside the cmdlets, assemblies resolve from the module folder.
/// PowerShell scans this assembly's public types before OnImport runs, so no public type here may hold a field
/// of an engine struct (Digest) or implement an engine interface: loading it would pull the engine into the
/// default context first. Output objects keep such values boxed; ModuleIsolationTests fails if one does not.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string ModuleFolder = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;
    private static readonly string EngineFolder = Path.Combine(ModuleFolder, "lib");
    private static readonly ModuleAssemblyResolver Resolver = new(ModuleFolder);

    // Imports still in effect in this process. Runspaces share the process (ForEach-Object -Parallel, runspace pools,
    // jobs in threads): the resolver and the type accelerators are process-wide, so they are set up by the first
    // import and taken down only when the last one is removed; one runspace's Remove-Module leaves the others working.
    private static readonly object Gate = new();
    private static int _imports;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_imports++ > 0)
            {
                return;
            }

            Resolver.Install();
            TryIsolateEngine();
            TypeAccelerators.Register();
        }
    }

    public void OnRemove(PSModuleInfo module)
    {
        lock (Gate)
        {
            if (_imports == 0 || --_imports > 0)
            {
                return;
            }

            TypeAccelerators.Unregister();
            Resolver.Uninstall();
        }
    }

    /// <summary>Once per process in effect: Install keeps the first context it made.</summary>
    private static void TryIsolateEngine()
    {
        if (!HostRuntime.UsesLoadContexts())
        {
            return;
        }

        try
        {
            var loader = Assembly.LoadFrom(Path.Combine(ModuleFolder, "OciImage.Isolation.dll"));
            loader.GetType("OciImage.Isolation.EngineIsolation", throwOnError: true)!
                .GetMethod("Install", BindingFlags.Public | BindingFlags.Static)!
                .Invoke(null, new object[] { EngineFolder });
        }
        catch (Exception ex) when (ex is IOException or BadImageFormatException or TargetInvocationException or TypeLoadException)
        {
            // A .NET older than the loader's (PowerShell 7.3 and before): the engine then shares the default
            // context, as on Windows PowerShell. The module works; it is just not shielded from conflicts.
        }
    }
}
