using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using OciImage.Core.Layers;
using OciImage.Determinism;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Layer bytes depend only on the tree, the options and the module version: the fixture tree of
/// <see cref="DeterminismCases"/> gives these digests at every offered level, for gzip (portable encoder) and
/// zstd, in this process, on .NET 10 with the vector paths off, on .NET 8, and on arm64 under emulation.
/// Windows PowerShell 5.1 is covered by construction: the encoder is managed code with no runtime zlib and no
/// CPU-dependent decisions. A change of these digests is a change of every layer users build: it must be deliberate
/// (a new module version) and said in the release notes.
/// </summary>
public class GoldenDigestTests
{
    // The table is in GoldenDigests.cs (shared with the Mono run of OciImage.Desktop.Tests).
    private const string FixtureDiffId = GoldenDigests.FixtureDiffId;

    private static readonly Dictionary<string, (string Digest, long Size)> Golden = GoldenDigests.Table;

    private static readonly Lazy<string> Fixture = new(() =>
    {
        var root = Path.Combine(Path.GetTempPath(), "ociimage-golden-fixture-" + Environment.ProcessId);
        if (!Directory.Exists(root))
        {
            DeterminismCases.WriteFixture(root);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(root, recursive: true);
        }

        return root;
    });

    [Fact]
    public void EveryCaseHasItsGoldenDigestInProcessWhateverTheCoreCount()
    {
        using var temp = new TempDirectory();
        foreach (var (name, compression, level, encoder) in DeterminismCases.All())
        {
            foreach (var parallelism in new[] { 1, 3 })
            {
                var line = DeterminismCases.Build(Fixture.Value, temp.Combine(name + parallelism), compression, level, encoder, parallelism);
                Assert.Equal($"{Golden[name].Digest} {FixtureDiffId} {Golden[name].Size}", line);
            }
        }
    }

    [Fact]
    public void NamedLevelsGiveTheDigestsOfTheirNumbers()
    {
        using var temp = new TempDirectory();
        string Build(LayerCompression c, LayerCompressionLevel level) => DeterminismCases.Build(Fixture.Value, temp.Combine(Guid.NewGuid().ToString("N")), c, level, GzipEncoder.Portable).Split(' ')[0];
        Assert.Equal(Golden["gzip-portable-1"].Digest, Build(LayerCompression.Gzip, LayerCompressionLevel.Fastest));
        Assert.Equal(Golden["gzip-portable-6"].Digest, Build(LayerCompression.Gzip, LayerCompressionLevel.Optimal));
        Assert.Equal(Golden["gzip-portable-9"].Digest, Build(LayerCompression.Gzip, LayerCompressionLevel.SmallestSize));
        Assert.Equal(Golden["zstd-3"].Digest, Build(LayerCompression.Zstd, LayerCompressionLevel.Optimal));
        Assert.Equal(Golden["zstd-1"].Digest, Build(LayerCompression.Zstd, LayerCompressionLevel.Fastest));
    }

    [ToolFact("gzip")]
    public void EveryGzipLayerInflatesWithTheBclAndGzipToTheFixturesTar()
    {
        using var temp = new TempDirectory();
        foreach (var level in Enumerable.Range(1, 9))
        {
            var layer = LayerBuilder.BuildIntoDirectory(Fixture.Value, new LayerBuildOptions { GzipEncoder = GzipEncoder.Portable, CompressionLevel = LayerCompressionLevel.Of(level) }, temp.Combine(level.ToString()), default);
            using (var gzip = new GZipStream(File.OpenRead(layer.BlobPath), CompressionMode.Decompress))
            {
                Assert.Equal(FixtureDiffId, Digest.Compute(gzip).Digest.ToString());
            }

            ExternalTool.Run("gzip", "-t", layer.BlobPath);
        }
    }

    [Fact]
    public void TheSameDigestsWithTheRuntimesVectorPathsOff()
    {
        var program = ChildProgram("net10.0", "OciImage.Determinism.dll");
        AssertGolden(Run("dotnet", new[] { program }, ("DOTNET_EnableHWIntrinsic", "0")), ".NET 10");
    }

    [Fact]
    public void TheSameDigestsOnDotNet8()
    {
        var program = ChildProgram(Path.Combine("net8.0", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier), OperatingSystem.IsWindows() ? "OciImage.Determinism.exe" : "OciImage.Determinism");
        AssertGolden(Run(program, Array.Empty<string>()), ".NET 8.0");
    }

    /// <summary>
    /// The module's cmdlets on an arm64 PowerShell (../shared/tools/pshost-arm64) under qemu user-mode emulation.
    /// Skipped where the host is not built or qemu or the arm64 loader is missing; .ci/run installs and builds
    /// them. OCIIMAGE_PSHOST_ARM64 may name another run-arm64.
    /// </summary>
    [RuntimeToolFact]
    public void TheSameDigestsOnArm64UnderEmulation()
    {
        var runner = Environment.GetEnvironmentVariable("OCIIMAGE_PSHOST_ARM64") is { Length: > 0 } given
            ? given
            : Path.Combine(RepoPaths.Root, "..", "shared", "tools", "pshost-arm64", "run-arm64");
        if (!File.Exists(runner) || !File.Exists(Path.Combine(Path.GetDirectoryName(runner)!, "bin", "pshost")))
        {
            throw Skip.Because($"no built arm64 PowerShell host at {runner} (bin/pshost); .ci/run builds it");
        }

        if (!ExternalTool.IsInstalled("qemu-aarch64-static") && !ExternalTool.IsInstalled("qemu-aarch64"))
        {
            throw Skip.Because("qemu-aarch64(-static) is not installed (.ci/run installs qemu-user-static)");
        }

        if (!File.Exists("/lib/ld-linux-aarch64.so.1") && Environment.GetEnvironmentVariable("QEMU_LD_PREFIX") is null)
        {
            throw Skip.Because("no arm64 libc (/lib/ld-linux-aarch64.so.1); .ci/run installs libc6:arm64");
        }

        var script = Path.Combine(RepoPaths.Root, "tests", "OciImage.Determinism", "layers.ps1");
        var module = Path.Combine(RepoPaths.ModuleFolder, "OciImage.psd1");
        using var temp = new TempDirectory();
        AssertGolden(Run(runner, new[] { script, module }), "Arm64", temp.Path);
    }

    private static void AssertGolden(Func<string, string, string> run, string expectedRuntime, string? outputRoot = null)
    {
        using var temp = new TempDirectory();
        var output = run(Fixture.Value, outputRoot ?? temp.Path);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(expectedRuntime, lines[0]);
        var got = lines.Skip(1).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => $"{p[1]} {p[2]} {p[3]}");
        Assert.Equal(Golden.Count, got.Count);
        foreach (var (name, (digest, size)) in Golden)
        {
            Assert.Equal($"{name}: {digest} {FixtureDiffId} {size}", $"{name}: {got[name]}");
        }
    }

    private static Func<string, string, string> Run(string program, string[] arguments, params (string Name, string Value)[] environment) => (fixture, output) =>
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments.Append(fixture).Append(output))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(600_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(program + " ran over 10 minutes");
        }

        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
        return stdout.Result;
    };

    /// <summary>The child program, built by the solution beside this test assembly's configuration.</summary>
    private static string ChildProgram(string folder, string file)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/CONFIG/net10.0
        var path = Path.Combine(RepoPaths.Root, "tests", "OciImage.Determinism", "bin", configuration, folder, file);
        return File.Exists(path) ? path : throw new FileNotFoundException("Build OciImage.slnx first (it builds OciImage.Determinism for net10.0 and net8.0)", path);
    }
}
