using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using OciImage.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace OciImage.Module.Tests;

/// <summary>
/// A mirror killed with SIGKILL in the middle of a blob, run again: every blob completed before the kill is found
/// and not copied again; the blob in flight is copied again whole, and nothing more.
/// </summary>
public sealed class SyncResumeTests
{
    private readonly ITestOutputHelper _output;

    public SyncResumeTests(ITestOutputHelper output) => _output = output;

    [ToolFact("docker-registry", "pwsh")]
    public void AKilledMirrorRunAgainMovesOnlyWhatIsMissing()
    {
        using var registry = new RegistryServer();
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var random = new Random(29);
        foreach (var name in new[] { "a1", "a2", "b1" })
        {
            Directory.CreateDirectory(temp.Combine(name));
            var bytes = new byte[1 << 20];
            random.NextBytes(bytes);
            File.WriteAllBytes(temp.Combine(name, name + ".bin"), bytes);
        }

        var clock = Stopwatch.StartNew();
        var layout = temp.Combine("layout");
        var inFlight = host.RunClean(
            $"$a1 = New-OciLayer '{temp.Combine("a1")}' -Layout '{layout}' -Compression none\n" +
            $"$a2 = New-OciLayer '{temp.Combine("a2")}' -Layout '{layout}' -Compression none\n" +
            $"$b1 = New-OciLayer '{temp.Combine("b1")}' -Layout '{layout}' -Compression none\n" +
            $"New-OciImage -Layout '{layout}' -Tag a -Layer $a1, $a2 | Out-Null\n" +
            $"New-OciImage -Layout '{layout}' -Tag b -Layer $a1, $b1 | Out-Null\n" +
            $"Copy-OciImage 'oci:{layout}' '{registry.Host}/rsrc/app' -AllTags | Out-Null\n" +
            "$b1.Digest.ToString()").Single().ToString()!;

        // The source sends b1 a byte at a time after its first kilobyte: the mirror is in flight on it when killed.
        using var source = new FaultProxy(registry.Host);
        source.TrickleAfter(100, inFlight.Substring("sha256:".Length), 1000, TimeSpan.FromMilliseconds(200));
        var script = $"Import-Module '{Path.Combine(RepoPaths.ModuleFolder, "OciImage.psd1")}'; Sync-OciRepository {source.Host}/rsrc/app {registry.Host}/rdst/app -ThrottleLimit 1";
        using (var mirror = Process.Start(new ProcessStartInfo("pwsh", new[] { "-NoProfile", "-NonInteractive", "-Command", script }) { RedirectStandardOutput = false })!)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!source.Log.ToList().Any(l => l.Contains(inFlight, StringComparison.Ordinal) && l.StartsWith("GET", StringComparison.Ordinal)) && DateTime.UtcNow < deadline && !mirror.HasExited)
            {
                Thread.Sleep(100);
            }

            Thread.Sleep(500);
            Assert.False(mirror.HasExited, $"the mirror ended (exit code {(mirror.HasExited ? mirror.ExitCode : 0)}) before it could be killed");
            mirror.Kill(); // SIGKILL
            Assert.True(mirror.WaitForExit(30_000), "the killed mirror did not end");
            _output.WriteLine($"killed at {clock.Elapsed}");
        }

        // What the destination holds after the kill, blob by blob.
        var blobs = host.RunClean($"(Measure-OciRepository {registry.Host}/rsrc/app).Tags.Blobs | Where-Object Kind -in 'Config', 'Layer' | ForEach-Object {{ \"$($_.Digest) $($_.Size)\" }}")
            .Select(o => o.ToString()!.Split(' ')).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => long.Parse(g.First()[1], System.Globalization.CultureInfo.InvariantCulture));
        using var http = new HttpClient();
        var present = blobs.Keys.Where(d => http.Send(new HttpRequestMessage(HttpMethod.Head, $"http://{registry.Host}/v2/rdst/app/blobs/{d}")).IsSuccessStatusCode).ToHashSet();
        var missing = blobs.Keys.Except(present).ToList();
        Assert.Contains(inFlight, missing);
        Assert.NotEmpty(present);

        _output.WriteLine($"measured at {clock.Elapsed}");
        using var destination = new FaultProxy(registry.Host);
        var again = host.Run($"Sync-OciRepository {registry.Host}/rsrc/app {destination.Host}/rdst/app");
        Assert.Empty(again.Errors);
        var summary = again.Output.Single(o => o.TypeNames[0] == "OciImage.OciSyncSummary");
        var uploads = destination.Log.Count(l => l.StartsWith("POST /v2/rdst/app/blobs/uploads/", StringComparison.Ordinal));
        var moved = (long)summary.Properties["BytesCopied"].Value;
        _output.WriteLine($"rerun done at {clock.Elapsed}");
        _output.WriteLine($"after the kill: {present.Count} of {blobs.Count} blobs complete; the rerun uploaded {uploads} blobs, {moved} bytes (missing: {missing.Sum(d => blobs[d])} bytes; in flight: {blobs[inFlight]} bytes)");
        Assert.Equal(missing.Count, uploads);
        Assert.Equal(missing.Sum(d => blobs[d]), moved);
        Assert.Equal(missing.Count, (int)summary.Properties["BlobsCopied"].Value);
        Assert.Equal(host.RunClean($"(Get-OciDigest {registry.Host}/rsrc/app:b).Digest.ToString()").Single().ToString(), host.RunClean($"(Get-OciDigest {registry.Host}/rdst/app:b).Digest.ToString()").Single().ToString());
    }
}
