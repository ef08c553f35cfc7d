using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Red team 11: Ctrl+C (PowerShell.Stop, which runs StopProcessing as Ctrl+C does) in the middle of one big file
/// stops a layer build or rewrite within seconds, not after the whole file is compressed, and leaves the layout as
/// it was: no temp file, no blob, no tag. Cancellation was checked once an entry, so a file of gigabytes (a disk
/// image, a model) held Ctrl+C until it was all compressed.
/// </summary>
public sealed class StopMidFileTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public void NewOciLayerStopsInsideABigFile()
    {
        using var temp = new TempDirectory();
        var site = Directory.CreateDirectory(temp.Combine("site")).FullName;
        using (var big = File.Create(Path.Combine(site, "disk.img")))
        {
            big.SetLength(8L << 30); // sparse: 8 GiB of zeros, minutes of compression, no disk used
        }

        var layout = temp.Combine("layout");
        var stopped = StopOnceWriting($"New-OciLayer '{site}' -Layout '{layout}'", Path.Combine(layout, "blobs", "sha256"), ".layer.tmp-");
        Assert.True(stopped < Prompt, $"the build went on {stopped.TotalSeconds:0.0} s after Ctrl+C");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(layout, "blobs", "sha256")));
    }

    [Fact]
    public void EditOciImageStopsInsideABigLayerAndTagsNothing()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        TestImages.Compose(layout, "big", new[] { HugeCheapLayer.Add(layout, "big.bin", 320) }); // 20 GiB of zeros
        var blobs = Path.Combine(layout, "blobs", "sha256");
        var before = Directory.GetFiles(blobs).Select(Path.GetFileName).OrderBy(n => n).ToList();
        var index = File.ReadAllText(Path.Combine(layout, "index.json"));

        var stopped = StopOnceWriting($"Edit-OciImage 'oci:{layout}:big' -Tag zstd -Compression zstd", blobs, ".rewrite.tmp-");
        Assert.True(stopped < Prompt, $"the rewrite went on {stopped.TotalSeconds:0.0} s after Ctrl+C");
        Assert.Equal(before, Directory.GetFiles(blobs).Select(Path.GetFileName).OrderBy(n => n).ToList());
        Assert.Equal(index, File.ReadAllText(Path.Combine(layout, "index.json")));
    }

    /// <summary>Runs the command, stops it once its temp file in <paramref name="folder"/> has bytes, and says how long the stop took.</summary>
    private static TimeSpan StopOnceWriting(string command, string folder, string tempPrefix)
    {
        using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Import-Module '{RepoPaths.ModuleFolder}' -ErrorAction Stop; {command}");
        var run = ps.BeginInvoke();
        var wait = Stopwatch.StartNew();
        while (!(Directory.Exists(folder) && new DirectoryInfo(folder).GetFiles(tempPrefix + "*").Any(f => f.Length > 0)))
        {
            if (run.IsCompleted)
            {
                ps.EndInvoke(run); // throws what ended it
                Assert.Fail("the command ended before it wrote: " + string.Join("; ", ps.Streams.Error));
            }

            Assert.True(wait.Elapsed < TimeSpan.FromMinutes(2), "no temp file appeared");
            Thread.Sleep(20);
        }

        // Bounded: a stop that waits for the whole file must fail here, not hang the run.
        var stop = Stopwatch.StartNew();
        var stopping = ps.BeginStop(null, null);
        Assert.True(stopping.AsyncWaitHandle.WaitOne(Prompt), $"the command went on {Prompt.TotalSeconds} s after Ctrl+C");
        ps.EndStop(stopping);
        Assert.Throws<PipelineStoppedException>(() => ps.EndInvoke(run));
        stop.Stop();
        Assert.Empty(Directory.GetFiles(folder, tempPrefix + "*"));
        return stop.Elapsed;
    }
}
