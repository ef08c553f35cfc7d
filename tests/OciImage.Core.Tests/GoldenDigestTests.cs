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
    /// <summary>The DiffID of the fixture's tar, the same for every case.</summary>
    private const string FixtureDiffId = "sha256:afcd6fe408603d963be094d111fcb7a3721a065fb8320e1f134f555109a13f6a";

    private static readonly Dictionary<string, (string Digest, long Size)> Golden = new()
    {
        ["gzip-portable-1"] = ("sha256:e30b01a0c9f49bb336956751a5f9f775566213416187202781ea773595303642", 1527003),
        ["gzip-portable-2"] = ("sha256:1b4e0808a43aabdd20d39378ac077b465a4aa626369064a2ce0b2d0e31bee07b", 1518437),
        ["gzip-portable-3"] = ("sha256:50de94f73b69a90a3a97743d687d08c3b26b0c52f09e1f87fca4d9c6348af882", 1498665),
        ["gzip-portable-4"] = ("sha256:6c50840f8ad82661c3707081e9ace2f0a7f6a827436c8fc4f19fd9ba94e97223", 1431127),
        ["gzip-portable-5"] = ("sha256:7568b98a20742b29f1b1f5bae1e147b8240d6c48c2f1fa2720b1c193e93b8928", 1421806),
        ["gzip-portable-6"] = ("sha256:a425b5b32a14426f9b7333582493dcba02be8f9433e1970cac9e00c714d7e93f", 1409090),
        ["gzip-portable-7"] = ("sha256:8db7f0cf19bd1bbaa27053adc75a7d308842355d3e251490cd6ba1b9e8045351", 1388301),
        ["gzip-portable-8"] = ("sha256:8a0ad5e74c73f10e98fa59db5a7c71d9efd950180070dc971b735274f6254d44", 1385874),
        ["gzip-portable-9"] = ("sha256:33775e3b2894aebcbfa2f8fc309eb44162d2415e090a8f5a81b333f0b674f02d", 1379834),
        ["zstd-1"] = ("sha256:939fac9103480c7967e2959a01e97528823a8a33498b6c6572364bd9ff7abd1e", 1398010),
        ["zstd-2"] = ("sha256:7e99c599df3f30e84053e34b56510b471482869c40388adf9388e355c3497224", 1413795),
        ["zstd-3"] = ("sha256:b231a035d2a8e39f1ee7a0d5c3c612926efc19a27b80c76a99b44983c27d63d0", 1402288),
        ["zstd-4"] = ("sha256:0cfce602344c8bc03352f3262bd05bac5e402eb52bfd2da5291bb7c61f72a32d", 1402364),
        ["zstd-5"] = ("sha256:e80adcbbfad8de4bd126e618f4febf66834040d0ffbbcfdb2aea7ea655853567", 1402590),
        ["zstd-6"] = ("sha256:748398c7d2e6a1851917d8e5104f8aab5f8740d657e80b7b82cab31e7dd7a0e8", 1389738),
        ["zstd-7"] = ("sha256:826f2c5eea309c0285164a79cc286553afc4bea492d1ac17ef9d5c27e9c357d1", 1383529),
        ["zstd-8"] = ("sha256:36d392ff6f8348400b1baf083755eb141eaf6a37cb2414fffd58ca56645703d8", 1379682),
        ["zstd-9"] = ("sha256:d85b31bf3e46bbf475df56067c4f0dbd6b59db7ab46da53d2420430ca52accd6", 1379662),
        ["zstd-SmallestSize"] = ("sha256:23a70715bf86b3249492f687e5d8498eebd0572aa0139042fc940da5753d1fbb", 1313086),
        ["none"] = ("sha256:afcd6fe408603d963be094d111fcb7a3721a065fb8320e1f134f555109a13f6a", 4812800),
    };

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
