using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.TestKit;

/// <summary>
/// A private containers/storage (root and run root under a temp directory) that Debian's podman and buildah
/// share, with the vfs or overlay driver, so neither touches /var/lib/containers. Podman runs with cgroupfs,
/// file events and no network, and never pulls (images come from archives or local layouts). Containers are
/// removed and mounts under the directory unmounted on dispose.
/// </summary>
public sealed class ContainerStorage : IDisposable
{
    private readonly TempDirectory _temp;

    public ContainerStorage(string driver = "vfs")
    {
        Driver = driver;
        _temp = new TempDirectory("ocistorage-" + driver);
    }

    public string Driver { get; }

    public string Path => _temp.Path;

    private string[] StorageFlags => new[] { "--root", _temp.Combine("root"), "--runroot", _temp.Combine("run"), "--storage-driver", Driver };

    public ExternalTool.Result Buildah(params string[] args) => ExternalTool.TryRun("buildah", StorageFlags.Concat(args).ToArray());

    public string BuildahOrThrow(params string[] args) => Check("buildah", args, Buildah(args));

    public ExternalTool.Result Podman(params string[] args) => ExternalTool.TryRun("podman", PodmanArguments(args));

    /// <summary>
    /// The whole podman command line after the program name. The OCI runtime is runc, named by its absolute path:
    /// podman's default on Debian is crun, which refuses hosts with hybrid cgroups ("cgroups in hybrid mode not
    /// supported"), while runc runs there and everywhere else, so no test depends on the host's cgroup layout.
    /// </summary>
    public string[] PodmanArguments(params string[] args) =>
        StorageFlags
            .Concat(new[] { "--runtime", RuncPath, "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--tmpdir", _temp.Combine("tmp") })
            .Concat(args)
            .ToArray();

    /// <summary>runc's absolute path from PATH, or plain "runc" (podman's own lookup) where PATH lacks it.</summary>
    public static string RuncPath => ExternalTool.Find("runc") ?? "runc";

    public string PodmanOrThrow(params string[] args) => Check("podman", args, Podman(args));

    /// <summary>
    /// Runs a container of a local image with podman: never pulls, no network, and rlimits within the sandbox's
    /// hard limits (podman's default of 1048576 open files is refused where the hard limit is lower).
    /// </summary>
    public ExternalTool.Result PodmanRun(string image, params string[] command) =>
        Podman(new[] { "run", "--rm", "--pull=never", "--network=none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", image }.Concat(command).ToArray());

    public void Dispose()
    {
        if (ExternalTool.IsInstalled("buildah"))
        {
            Buildah("rm", "--all");
        }

        if (ExternalTool.IsInstalled("podman"))
        {
            Podman("rm", "--all", "--force");
        }

        ContainerdServer.UnmountUnder(_temp.Path);
        _temp.Dispose();
    }

    private static string Check(string program, IEnumerable<string> args, ExternalTool.Result result) =>
        result.ExitCode == 0
            ? result.StdOut
            : throw new InvalidOperationException($"{program} {string.Join(" ", args)} exited {result.ExitCode}: {result.StdErr}{result.StdOut}");
}
