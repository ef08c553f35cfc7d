using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Layout;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The native zstd decoder is loaded only from the system's library directories: a file named libzstd.so.1 in
/// the current directory, beside the module's assemblies, or on LD_LIBRARY_PATH is never opened. Each case runs
/// the module in a fresh pwsh, since a process loads libzstd once.
/// </summary>
public class ZstdLoadPathTests
{
    private const string SystemLibzstd = "/usr/lib/x86_64-linux-gnu/libzstd.so.1";

    [Fact]
    public void ALibzstdPlantedInTheCurrentOrModuleDirectoryIsNeverLoaded()
    {
        if (!File.Exists(SystemLibzstd) || !File.Exists("/usr/local/bin/pwsh"))
        {
            return; // Only where the system library is at its Debian place (the CI image).
        }

        using var temp = new TempDirectory();
        var (module, layout, planted) = Prepare(temp);

        var lines = RunFresh(module, layout, planted, managed: false);
        Assert.Contains("files 3", lines);
        var decoder = Assert.Single(lines, line => line.StartsWith("verbose zstd layers are decoded by", StringComparison.Ordinal));
        Assert.Matches(@"decoded by libzstd 1\.\d+\.\d+ \(/(usr/)?lib/x86_64-linux-gnu/libzstd\.so\.1\)\.$", decoder);
        var mapped = lines.Where(line => line.StartsWith("map ", StringComparison.Ordinal)).Select(line => line.Substring(4)).Distinct().ToList();
        Assert.NotEmpty(mapped);
        Assert.All(mapped, path => Assert.Matches(@"^/(usr/)?lib/x86_64-linux-gnu/libzstd\.so\.1[.0-9]*$", path));
    }

    [Fact]
    public void OciimageZstdManagedKeepsLibzstdOutOfTheProcess()
    {
        if (!File.Exists(SystemLibzstd) || !File.Exists("/usr/local/bin/pwsh"))
        {
            return;
        }

        using var temp = new TempDirectory();
        var (module, layout, planted) = Prepare(temp);

        var lines = RunFresh(module, layout, planted, managed: true);
        Assert.Contains("files 3", lines);
        Assert.Contains("verbose zstd layers are decoded by the managed decoder (ZstdSharp; OCIIMAGE_ZSTD=managed).", lines);
        Assert.DoesNotContain(lines, line => line.StartsWith("map ", StringComparison.Ordinal));
    }

    /// <summary>A copy of the built module and a zstd image; a fake libzstd.so.1 (and .so) in the module's two folders and the working folder.</summary>
    private static (string Module, string Layout, string Planted) Prepare(TempDirectory temp)
    {
        var module = temp.Combine("modules", "OciImage");
        Copy(RepoPaths.ModuleFolder, module);
        var planted = temp.Combine("cwd");
        foreach (var folder in new[] { module, Path.Combine(module, "lib"), planted })
        {
            Directory.CreateDirectory(folder);
            foreach (var name in new[] { "libzstd.so.1", "libzstd.so" })
            {
                File.WriteAllText(Path.Combine(folder, name), "not a library: loading this file is the bug\n");
            }
        }

        var layout = temp.Combine("layout");
        var blob = ZstdFrames.Plain();
        using (var store = OciLayoutStore.OpenOrCreate(layout))
        {
            var descriptor = new Descriptor { MediaType = MediaTypes.OciLayerZstd, Digest = Digest.Compute(blob), Size = blob.Length };
            store.PutBlobAsync(descriptor, new MemoryStream(blob), null, CancellationToken.None).GetAwaiter().GetResult();
        }

        var diffId = Digest.Compute(ZstdFrames.Tar()).ToString();
        TestImages.Compose(layout, "z", new[] { new TestImages.Layer(Digest.Compute(blob).ToString(), diffId, blob.Length, MediaTypes.OciLayerZstd) });
        return (module, layout, planted);
    }

    /// <summary>Measure-OciImage in a new pwsh from the planted folder, LD_LIBRARY_PATH naming the planted folders too; its verbose lines and every libzstd it mapped.</summary>
    private static List<string> RunFresh(string module, string layout, string planted, bool managed)
    {
        var script =
            $"Import-Module '{Path.Combine(module, "OciImage.psd1")}'; " +
            $"$all = Measure-OciImage 'oci:{layout}:z' -Verbose 4>&1; " +
            "$all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { 'verbose ' + $_.Message }; " +
            "$all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] } | ForEach-Object { 'files ' + $_.FileCount }; " +
            "Get-Content /proc/self/maps | Where-Object { $_ -match 'libzstd' } | ForEach-Object { 'map ' + ($_ -split '\\s+')[-1] }";
        var start = new ProcessStartInfo("/usr/local/bin/pwsh", new[] { "-NoProfile", "-NonInteractive", "-Command", script })
        {
            WorkingDirectory = planted,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["LD_LIBRARY_PATH"] = string.Join(":", planted, module, Path.Combine(module, "lib"));
        start.Environment.Remove("OCIIMAGE_ZSTD");
        if (managed)
        {
            start.Environment["OCIIMAGE_ZSTD"] = "managed";
        }

        using var pwsh = Process.Start(start)!;
        var error = pwsh.StandardError.ReadToEndAsync();
        var output = pwsh.StandardOutput.ReadToEnd();
        Assert.True(pwsh.WaitForExit(120_000), "pwsh did not end");
        Assert.True(pwsh.ExitCode == 0, "pwsh failed: " + error.Result + output);
        return output.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToList();
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.GetDirectories(from))
        {
            Copy(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }
}
