using System;
using System.IO;
using System.Reflection;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The module's choice between its own load context and the folder resolver, by runtime version (the same
/// OciImage.dll the Mono run of OciImage.Desktop.Tests loads, where it says False and the resolver carries the engine).
/// </summary>
public sealed class HostRuntimeTests
{
    [Theory]
    [InlineData("4.0.30319.42000", false)] // .NET Framework 4.8 (Windows PowerShell 5.1) and Mono 6 alike
    [InlineData("7.0.20", false)] // PowerShell 7.3: older than the loader's net8.0
    [InlineData("8.0.1", true)]
    [InlineData("10.0.0", true)]
    public void TheChoiceFollowsWhatTheRuntimeCanLoad(string version, bool usesLoadContexts)
    {
        var uses = HostRuntimeType().GetMethod("UsesLoadContexts", new[] { typeof(Version) })!;
        Assert.Equal(usesLoadContexts, (bool)uses.Invoke(null, new object[] { Version.Parse(version) })!);
    }

    [Fact]
    public void ThisDotNetUsesTheLoadContext() =>
        Assert.True((bool)HostRuntimeType().GetMethod("UsesLoadContexts", Type.EmptyTypes)!.Invoke(null, null)!);

    private static Type HostRuntimeType() =>
        Assembly.LoadFrom(Path.Combine(RepoPaths.ModuleFolder, "OciImage.dll")).GetType("OciImage.HostRuntime", throwOnError: true)!;
}
