using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;

namespace OciImage.TestKit;

/// <summary>
/// A private containerd (Debian's, with runc): its own root, state and socket under a temp directory, so it
/// neither sees nor touches a system containerd. The snapshotter is overlayfs where it works, else native.
/// Stopped by its pid (the process tree) and deleted on dispose, after its tasks and containers are removed
/// and any mount left under its root is unmounted.
/// </summary>
public sealed class ContainerdServer : IDisposable
{
    /// <summary>The containerd namespace the tests use (their own, so cgroups and runc state are apart).</summary>
    public const string Namespace = "ociimage-test";

    private readonly TempDirectory _temp = new("ocictd");
    private readonly Process _process;
    private readonly List<string> _log = new();

    /// <summary>Starts containerd; <see cref="StartFailure"/> says why when it could not.</summary>
    public ContainerdServer()
    {
        Address = _temp.Combine("containerd.sock");
        var config = _temp.Combine("config.toml");
        File.WriteAllText(config,
            "version = 2\n" +
            $"root = \"{_temp.Combine("root")}\"\n" +
            $"state = \"{_temp.Combine("state")}\"\n" +
            "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n" +
            $"[grpc]\n  address = \"{Address}\"\n" +
            $"[ttrpc]\n  address = \"{Address}.ttrpc\"\n" +
            "[debug]\n  address = \"\"\n  level = \"warn\"\n" +
            "[metrics]\n  address = \"\"\n");

        var info = new ProcessStartInfo("containerd") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(config);
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        StartFailure = WaitUntilReady();
        if (StartFailure is null)
        {
            var plugins = Ctr("plugins", "ls").StdOut;
            Snapshotter = plugins.Split('\n').Any(l => l.Contains("io.containerd.snapshotter.v1") && l.Contains(" overlayfs ") && l.TrimEnd().EndsWith("ok", StringComparison.Ordinal))
                ? "overlayfs"
                : "native";
        }
    }

    /// <summary>The gRPC socket (ctr --address).</summary>
    public string Address { get; }

    /// <summary>overlayfs, or native where overlayfs does not work.</summary>
    public string Snapshotter { get; } = "native";

    /// <summary>Null when containerd serves; else why it does not (with its log).</summary>
    public string? StartFailure { get; }

    /// <summary>Runs ctr against this containerd, in the tests' namespace.</summary>
    public ExternalTool.Result Ctr(params string[] args) =>
        ExternalTool.TryRun("ctr", new[] { "--address", Address, "--namespace", Namespace }.Concat(args).ToArray());

    /// <summary>Runs ctr and throws with its output when it fails.</summary>
    public string CtrOrThrow(params string[] args)
    {
        var result = Ctr(args);
        return result.ExitCode == 0
            ? result.StdOut
            : throw new InvalidOperationException($"ctr {string.Join(" ", args)} exited {result.ExitCode}: {result.StdErr}{result.StdOut}");
    }

    /// <summary>Pulls an image from a plain-HTTP registry on loopback (all platforms' blobs are not needed: the host's).</summary>
    public string PullPlainHttp(string reference) => CtrOrThrow("images", "pull", "--plain-http", "--snapshotter", Snapshotter, reference);

    /// <summary>Runs a container of an image (no network namespace setup: ctr run gives the container none), removes it, and returns what ctr saw.</summary>
    public ExternalTool.Result Run(string image, params string[] command) => RunWith(Array.Empty<string>(), image, command);

    /// <summary>Like <see cref="Run"/>, with more ctr run options (--env NAME=VALUE). runc's state and the I/O FIFOs stay under the temp directory.</summary>
    public ExternalTool.Result RunWith(IEnumerable<string> options, string image, params string[] command)
    {
        var id = "t" + Guid.NewGuid().ToString("N").Substring(0, 12);
        var args = new List<string> { "run", "--rm", "--snapshotter", Snapshotter, "--runc-root", _temp.Combine("runc"), "--fifo-dir", _temp.Combine("fifo") };
        args.AddRange(options);
        args.Add(image);
        args.Add(id);
        args.AddRange(command);
        return Ctr(args.ToArray());
    }

    /// <summary>What containerd logged (warnings and errors), for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join("\n", _log.TakeLast(40));
            }
        }
    }

    public void Dispose()
    {
        if (StartFailure is null && !_process.HasExited)
        {
            // Tasks first: their shims are not children of containerd, so killing its tree would leave them.
            foreach (var task in Lines(Ctr("tasks", "ls", "-q").StdOut))
            {
                Ctr("tasks", "kill", "-s", "SIGKILL", task);
                Ctr("tasks", "rm", "-f", task);
            }

            foreach (var container in Lines(Ctr("containers", "ls", "-q").StdOut))
            {
                Ctr("containers", "rm", container);
            }
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        UnmountUnder(_temp.Path);
        _temp.Dispose();
    }

    /// <summary>Lazily unmounts whatever is still mounted under a directory (deepest first), so it can be deleted.</summary>
    public static void UnmountUnder(string directory)
    {
        if (!File.Exists("/proc/self/mountinfo"))
        {
            return;
        }

        var prefix = directory.TrimEnd('/') + "/";
        var mounts = File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' '))
            .Where(f => f.Length > 4)
            .Select(f => f[4].Replace("\\040", " "))
            .Where(m => m.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(m => m.Length)
            .ToList();
        foreach (var mount in mounts)
        {
            ExternalTool.TryRun("umount", "-l", mount);
        }
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }
    }

    private string? WaitUntilReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                return $"containerd exited with {_process.ExitCode}: {Log}";
            }

            if (File.Exists(Address) && ExternalTool.TryRun("ctr", "--address", Address, "version").ExitCode == 0)
            {
                return null;
            }

            Thread.Sleep(100);
        }

        return "containerd did not serve within 20 s: " + Log;
    }
}
