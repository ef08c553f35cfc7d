using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Another module in the session has already loaded older SharpZipLib and ZstdSharp (in the default load
/// context, as pwsh loads modules). OciImage must still work with its own versions: on PowerShell 7 the engine
/// and those libraries live in the module's own load context. System.Text.Json is shared on purpose, and the
/// test shows why that is safe: on PowerShell 7 nobody can load another version of it beside the framework's. Runs in a bare host process (OciImage.ModuleHost):
/// this test process has the engine on its own probing path, which would hide the module's loading.
/// </summary>
public sealed class ModuleIsolationTests
{
    private const string HelloDigest = "sha256:5e250519489c40cfe243f032a450eace5e84beeafa7fcd3b32dc52da9fb5ddba";

    [Fact]
    public void LayersCopiesAndExpansionWorkBesideAnotherModulesOlderLibraries()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var hello = Path.Combine(RepoPaths.Root, "tests", "data", "hello");
        var script = temp.Combine("script.ps1");
        File.WriteAllText(script, $$"""
            # Another module's System.Text.Json (8.0, the copy shipped for Windows PowerShell) cannot displace
            # the framework's on PowerShell 7: loading it by path hands back the framework's.
            $json = [System.Reflection.Assembly]::LoadFrom('{{Path.Combine(RepoPaths.ModuleFolder, "System.Text.Json.dll")}}')
            "json-from-framework $([System.IO.Path]::GetDirectoryName($json.Location) -eq [System.IO.Path]::GetDirectoryName([object].Assembly.Location))"
            $gzip = New-OciLayer -Path '{{tree}}' -Destination 'oci:{{temp.Combine("layers")}}'
            $zstd = New-OciLayer -Path '{{tree}}' -Destination 'oci:{{temp.Combine("layers")}}' -Compression zstd
            "gzip-files $($gzip.FileCount)"
            "zstd-files $($zstd.FileCount)"
            $copy = Copy-OciImage -Source 'oci:{{hello}}' -Destination 'oci:{{temp.Combine("copy")}}:v1'
            "copied $($copy.Digest)"
            "items $(@(Get-OciLayerItem -Reference 'oci:{{temp.Combine("copy")}}:v1').Count)"
            Expand-OciImage -Reference 'oci:{{temp.Combine("copy")}}:v1' -Destination '{{temp.Combine("rootfs")}}' | Out-Null
            "valid $((Test-OciImage -Reference 'oci:{{temp.Combine("copy")}}:v1' -Deep).IsValid)"
            foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
                foreach ($assembly in $context.Assemblies) {
                    $name = $assembly.GetName()
                    if ($name.Name -in 'OciImage.Core', 'ICSharpCode.SharpZipLib', 'ZstdSharp') { "loaded $($context.Name) $($name.Name) $($name.Version)" }
                }
            }
            """);

        var result = ExternalTool.TryRun("dotnet", RepoPaths.BuiltProgram("OciImage.ModuleHost"), RepoPaths.ModuleFolder, script);

        Assert.True(result.ExitCode == 0, result.StdErr + result.StdOut);
        var lines = result.StdOut.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains($"gzip-files {SampleTrees.FileCount}", lines);
        Assert.Contains($"zstd-files {SampleTrees.FileCount}", lines);
        Assert.Contains("copied " + HelloDigest, lines);
        Assert.Contains(lines, l => l.StartsWith("items ") && l != "items 0");
        Assert.Contains("valid True", lines);
        Assert.Contains("json-from-framework True", lines);
        Assert.True(Directory.EnumerateFileSystemEntries(temp.Combine("rootfs")).Any(), "expanded rootfs is empty");

        // The other module's copies stay where they were; ours are in the module's context.
        Assert.Contains("loaded Default ICSharpCode.SharpZipLib 1.4.1.12", lines);
        Assert.Contains("loaded Default ZstdSharp 0.7.3.0", lines);
        Assert.Contains(lines, l => l.StartsWith("loaded OciImage OciImage.Core "));
        Assert.Contains("loaded OciImage ICSharpCode.SharpZipLib 1.4.2.13", lines);
        Assert.Contains("loaded OciImage ZstdSharp 0.8.8.0", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("loaded Default OciImage.Core"));
    }
}
