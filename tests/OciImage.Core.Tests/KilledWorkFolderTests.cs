using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Archives;
using OciImage.Core.Images;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Stores;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Work folders of writers killed with SIGKILL (Expand's .NAME.expand-PID-RANDOM, the archive stores'
/// .ociimage-archive-PID-RANDOM) are removed by the next run beside them; a live writer's are not.
/// </summary>
public class KilledWorkFolderTests
{
    [Fact]
    public void AClaimIsKeptWhileItsWriterLivesAndSweptOnceItIsKilled()
    {
        using var temp = new TempDirectory();
        using var child = Start("claim", temp.Path, ".rootfs.expand");
        var claimed = child.StandardOutput.ReadLine()!;
        Assert.True(File.Exists(Path.Combine(claimed, "work")));
        Assert.Matches($@"/\.rootfs\.expand-{child.Id}-[0-9a-f]{{32}}$", claimed);

        // Ours, in this process, and one with no lock file (not made by a claim) stay whatever happens.
        using var ours = ClaimedFolder.Create(temp.Path, ".other.expand");
        var unlocked = temp.Combine($".x.expand-{int.MaxValue - 1}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(unlocked);

        ClaimedFolder.SweepAbandoned(temp.Path, _ => true);
        Assert.True(Directory.Exists(claimed), "a live writer's folder was swept");

        child.Kill();
        child.WaitForExit();
        ClaimedFolder.SweepAbandoned(temp.Path, _ => true);
        Assert.False(Directory.Exists(claimed));
        Assert.False(File.Exists(claimed + ClaimedFolder.LockSuffix));
        Assert.True(Directory.Exists(ours.Path) && Directory.Exists(unlocked));
    }

    [Fact]
    public async Task AnExpansionKilledHalfWayIsSweptByTheNextOneBeside()
    {
        using var temp = new TempDirectory();
        var layout = BigImage(temp);
        var parent = temp.Combine("site");
        Directory.CreateDirectory(parent);

        var left = KillWhenWorking("expand", $"oci:{layout}:big", Path.Combine(parent, "rootfs"), parent, ".rootfs.expand-*");
        Assert.False(Directory.Exists(Path.Combine(parent, "rootfs")));

        // A read-only directory in it (a kill during the final modes) does not stop the sweep.
        Directory.CreateDirectory(Path.Combine(left, "ro", "inner"));
        File.SetUnixFileMode(Path.Combine(left, "ro"), UnixFileMode.UserRead | UnixFileMode.UserExecute);

        using var store = OciLayoutStore.Open(layout);
        var image = await ImageHandle.OpenAsync(store, Reference.ForLayout(layout, "small"), null, CancellationToken.None);
        await ImageExpander.ExpandAsync(store, image.Manifest, Path.Combine(parent, "other"), null, NullEngineLog.Instance, CancellationToken.None);

        Assert.Equal(new[] { "other" }, Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
    }

    [Fact]
    public async Task AnArchiveExportKilledHalfWayIsSweptByTheNextOneBeside()
    {
        using var temp = new TempDirectory();
        var layout = BigImage(temp);
        var parent = temp.Combine("site");
        Directory.CreateDirectory(parent);

        KillWhenWorking("export", $"oci:{layout}:big", Path.Combine(parent, "big.tar"), parent, WorkFolder.Stem + "-*");
        Assert.False(File.Exists(Path.Combine(parent, "big.tar")));

        using var store = OciLayoutStore.Open(layout);
        await ImageArchives.ExportAsync(store, Reference.ForLayout(layout, "small"), Path.Combine(parent, "small.tar"), ArchiveFormat.Oci, null, null, NullEngineLog.Instance, CancellationToken.None);

        Assert.Equal(new[] { "small.tar" }, Directory.GetFileSystemEntries(parent).Select(Path.GetFileName));
    }

    /// <summary>Starts the child, kills it (SIGKILL) once it stalls half way, and returns the work folder it left.</summary>
    private static string KillWhenWorking(string command, string source, string destination, string parent, string pattern)
    {
        using var child = Start(command, source, destination);
        var said = child.StandardOutput.ReadLine();
        Assert.True(said == "stalled", $"the child did not stall: {said} {(child.HasExited ? child.StandardError.ReadToEnd() : string.Empty)}");
        child.Kill();
        child.WaitForExit();
        var work = Assert.Single(Directory.GetDirectories(parent, pattern));
        Assert.NotEmpty(Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories));
        Assert.True(File.Exists(work + ClaimedFolder.LockSuffix));
        Assert.Contains($"-{child.Id}-", Path.GetFileName(work));
        return work;
    }

    /// <summary>A layout with "big" (three layers; the child stalls on the second) and "small".</summary>
    private static string BigImage(TempDirectory temp)
    {
        var layout = temp.Combine("layout");
        var layers = Enumerable.Range(0, 3).Select(i =>
            TestImages.AddTarLayer(layout, new HostileTar().Directory("d/").File($"d/part{i}", 100_000, (char)('a' + i)).ToArray())).ToList();
        TestImages.Compose(layout, "big", layers);
        TestImages.Compose(layout, "small", new[] { TestImages.AddTarLayer(layout, new HostileTar().File("hello.txt", "hello").ToArray()) });
        return layout;
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OciImage.TestKit.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }
}
