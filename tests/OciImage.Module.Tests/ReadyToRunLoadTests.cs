using System;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using OciImage.Isolation;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// PowerShell 7 loads the engine from lib/r2r/{os}-{arch}/net{major}.0/ (compiled ahead of time, see
/// src/OciImage.ReadyToRun) when the module has that folder for the running process and the copy there was compiled
/// from the very IL in lib/; otherwise from lib/. Runs in a bare host process over a copy of the module folder, with
/// the IL engine standing in for the compiled one (what is chosen is the point here, not the native code).
/// </summary>
public sealed class ReadyToRunLoadTests
{
    [Fact]
    public void TheEngineLoadsFromTheFolderOfThisRuntimeWhenItHoldsTheSameIl()
    {
        using var temp = new TempDirectory();
        var module = CopyModule(temp);
        var mine = Mine(module);
        Directory.CreateDirectory(mine);
        File.Copy(Path.Combine(module, "lib", "OciImage.Core.dll"), Path.Combine(mine, "OciImage.Core.dll"));

        Assert.Equal(Path.Combine(mine, "OciImage.Core.dll"), EngineLocation(module, temp));
    }

    [Fact]
    public void AStaleCopyAnotherRuntimesFolderOrNoFolderLeaveTheIlEngine()
    {
        using var temp = new TempDirectory();
        var module = CopyModule(temp);
        var il = Path.Combine(module, "lib", "OciImage.Core.dll");

        // Another .NET major's folder: its R2R code would be refused by this runtime anyway.
        var other = ReadyToRunFolder.For(Path.Combine(module, "lib"), "linux", RuntimeInformation.ProcessArchitecture, Environment.Version.Major - 2)!;
        Directory.CreateDirectory(other);
        File.Copy(il, Path.Combine(other, "OciImage.Core.dll"));
        Assert.Equal(il, EngineLocation(module, temp));

        // This runtime's folder, but compiled from other IL (an earlier build): never run code lib/ does not hold.
        var mine = Mine(module);
        Directory.CreateDirectory(mine);
        File.WriteAllBytes(Path.Combine(mine, "OciImage.Core.dll"), WithOtherModuleVersionId(File.ReadAllBytes(il)));
        Assert.Equal(il, EngineLocation(module, temp));
    }

    [Fact]
    public void TheFolderIsNamedByOsArchitectureAndRuntimeMajor()
    {
        Assert.Equal(Path.Combine("lib", "r2r", "linux-x64", "net10.0"), ReadyToRunFolder.For("lib", "linux", Architecture.X64, 10));
        Assert.Equal(Path.Combine("lib", "r2r", "osx-arm64", "net8.0"), ReadyToRunFolder.For("lib", "osx", Architecture.Arm64, 8));
        Assert.Null(ReadyToRunFolder.For("lib", null, Architecture.X64, 10));
    }

    private static string Mine(string module) =>
        ReadyToRunFolder.For(Path.Combine(module, "lib"), OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : "win", RuntimeInformation.ProcessArchitecture, Environment.Version.Major)!;

    /// <summary>The module folder without any R2R copies a Release build left.</summary>
    private static string CopyModule(TempDirectory temp)
    {
        var module = temp.Combine("OciImage");
        foreach (var file in Directory.EnumerateFiles(RepoPaths.ModuleFolder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.ModuleFolder, file);
            if (relative.StartsWith(Path.Combine("lib", "r2r"), StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(module, relative))!);
            File.Copy(file, Path.Combine(module, relative));
        }

        return module;
    }

    private static string EngineLocation(string module, TempDirectory temp)
    {
        var script = temp.Combine("where.ps1");
        File.WriteAllText(script, "\"engine $([OciDigest].Assembly.Location)\"\n\"works $(('sha256:' + ('a' * 64)) -as [OciDigest])\"");
        var result = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.ModuleHost"), module, script);
        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        var lines = result.StdOut.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("works sha256:" + new string('a', 64), lines);
        return lines.Single(l => l.StartsWith("engine ", StringComparison.Ordinal)).Substring("engine ".Length);
    }

    /// <summary>The same assembly with one byte of its module version id changed: what another build of it looks like to the loader.</summary>
    private static byte[] WithOtherModuleVersionId(byte[] image)
    {
        using (var pe = new PEReader(new MemoryStream(image)))
        {
            var metadata = pe.GetMetadataReader();
            var mvid = metadata.GetGuid(metadata.GetModuleDefinition().Mvid).ToByteArray();
            var at = image.AsSpan().IndexOf(mvid);
            Assert.True(at >= 0 && image.AsSpan(at + 1).IndexOf(mvid) < 0, "the module version id is not found exactly once");
            image[at] ^= 0xFF;
        }

        return image;
    }
}
