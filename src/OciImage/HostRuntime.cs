using System;

namespace OciImage;

/// <summary>
/// Which way the module loads its engine in this process: in its own AssemblyLoadContext (OciImage.Isolation,
/// built for net8.0) or resolved from the module folder by <see cref="ModuleAssemblyResolver"/>. Decided by what the
/// runtime can load, not by its name: Mono reports "Mono 6.x" and .NET Framework ".NET Framework 4.8.x", and both
/// are runtime version 4; PowerShell 7.3 runs .NET 7, older than the loader. No PowerShell type here, so the choice
/// is tested without PowerShell (OciImage.Desktop.Tests under Mono, OciImage.Module.Tests on .NET).
/// </summary>
public static class HostRuntime
{
    /// <summary>The .NET the isolation loader targets.</summary>
    public static readonly Version LoaderRuntime = new(8, 0);

    public static bool UsesLoadContexts() => UsesLoadContexts(Environment.Version);

    /// <param name="runtimeVersion"><see cref="Environment.Version"/>: 4.0.30319.x on .NET Framework and Mono, 7.0.x on .NET 7, 8.0.x and up on .NET 8+.</param>
    public static bool UsesLoadContexts(Version runtimeVersion) => runtimeVersion >= LoaderRuntime;
}
