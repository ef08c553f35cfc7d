using System;
using System.IO;
using System.Linq;
using OciImage.Desktop.Tests.Support;
using Xunit;

namespace OciImage.Desktop.Tests;

/// <summary>
/// The module's dependency loading as Windows PowerShell does it (no load contexts): the engine in lib/ is found
/// only through ModuleAssemblyResolver, and it loads beside another module's older SharpZipLib and ZstdSharp.
/// Uses the module folder the solution build lays out (out/OciImage).
/// </summary>
public class DesktopLoadingTests
{
    private static string ModuleFolder => Path.Combine(DesktopPaths.Root, "out", "OciImage");

    private static string OtherModuleFolder => Path.Combine(AppDomain.CurrentDomain.BaseDirectory, "other-module");

    [Fact]
    public void TheEngineLoadsFromTheModuleFolderBesideAnotherModulesOlderLibraries()
    {
        var lines = RunInBareDomain(installResolver: true);
        Assert.Contains("runtime-choice load-contexts=False", lines);
        Assert.Contains("layers Gzip=1 Zstd=1", lines);
        var lib = Path.Combine(ModuleFolder, "lib");
        Assert.Contains($"loaded OciImage.Core 0.2.0.0 {lib}", lines);
        Assert.Contains($"loaded ICSharpCode.SharpZipLib 1.4.2.13 {lib}", lines);
        Assert.Contains($"loaded ZstdSharp 0.8.8.0 {lib}", lines);
        Assert.Contains($"loaded ICSharpCode.SharpZipLib 1.4.1.12 {OtherModuleFolder}", lines);
        Assert.Contains($"loaded ZstdSharp 0.7.3.0 {OtherModuleFolder}", lines);
    }

    [Fact]
    public void WithoutTheResolverTheEngineIsNotFound()
    {
        var error = Assert.ThrowsAny<Exception>(() => RunInBareDomain(installResolver: false));
        Assert.Contains("OciImage.Core", error.ToString());
    }

    private static string[] RunInBareDomain(bool installResolver)
    {
        using var host = new TempFolder("ociimage-desktop-host");
        var copy = Path.Combine(host.Path, Path.GetFileName(typeof(LoadingWorker).Assembly.Location));
        File.Copy(typeof(LoadingWorker).Assembly.Location, copy);
        var domain = AppDomain.CreateDomain("windows-powershell", null, new AppDomainSetup { ApplicationBase = host.Path });
        try
        {
            var worker = (LoadingWorker)domain.CreateInstanceFromAndUnwrap(copy, typeof(LoadingWorker).FullName!);
            return worker.Run(ModuleFolder, OtherModuleFolder, installResolver);
        }
        finally
        {
            AppDomain.Unload(domain);
        }
    }
}
