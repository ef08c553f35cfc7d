using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.TestKit;

namespace OciImage.Module.Tests;

/// <summary>
/// What the container-runtime referees share, each made on first use: a registry, a private containerd, a
/// private podman/buildah storage (vfs), a static busybox tree, the image OciImage builds from it (with the
/// cmdlets), its archives, the same tree packed by umoci (to tell "our image is wrong" from "this sandbox cannot
/// run containers"), and a buildah image whose top layer deletes a file and replaces directories.
/// </summary>
public sealed class ContainerImages : IDisposable
{
    public const string Marker = "MARKER-";

    private readonly TempDirectory _temp = new("ocicontainers");
    private readonly Lazy<RegistryServer> _registry = new(() => new RegistryServer());
    private readonly Lazy<ContainerdServer> _containerd = new(() => new ContainerdServer());
    private readonly Lazy<ContainerStorage> _storage = new(() => new ContainerStorage("vfs"));
    private readonly Lazy<string> _busybox;
    private readonly Lazy<string> _ours;
    private readonly Lazy<string> _umoci;
    private readonly Lazy<string> _buildah;

    public ContainerImages()
    {
        _busybox = new(MakeBusyboxTree);
        _ours = new(BuildOurs);
        _umoci = new(BuildWithUmoci);
        _buildah = new(() => BuildWithBuildah(Storage, Combine("buildah-layout")));
    }

    public string Combine(params string[] parts) => _temp.Combine(parts);

    public RegistryServer Registry => _registry.Value;

    /// <summary>The private containerd; the test is skipped, saying why, when containerd cannot start here.</summary>
    public ContainerdServer Containerd =>
        _containerd.Value.StartFailure is { } failure ? throw Skip.Because("containerd cannot start here: " + failure) : _containerd.Value;

    public ContainerStorage Storage => _storage.Value;

    /// <summary>A root file system of busybox-static: /bin/busybox and applet links.</summary>
    public string BusyboxTree => _busybox.Value;

    /// <summary>The layout OciImage built (tag run), then exported as ours-oci.tar and ours-docker.tar.</summary>
    public string OurLayout => _ours.Value;

    public string OurOciArchive => Combine("ours-oci.tar");

    public string OurDockerArchive => Combine("ours-docker.tar");

    /// <summary>The docker archive's RepoTags entry.</summary>
    public const string OurRepoTag = "ocitest/run:docker";

    /// <summary>The same busybox tree and config, packed by umoci (tag run).</summary>
    public string UmociLayout => _umoci.Value;

    /// <summary>buildah's layout: tag base (busybox and files), tag top (a layer deleting and replacing on it).</summary>
    public string BuildahLayout => _buildah.Value;

    /// <summary>
    /// Called when our image did not run: runs the umoci-packed image the same way. When that fails too, the
    /// runtime cannot run containers in this sandbox and the test is skipped with both errors; else it returns
    /// and the caller's assertion fails on our image.
    /// </summary>
    public void SkipUnlessReferenceRuns(string what, ExternalTool.Result ours, Func<ExternalTool.Result> reference)
    {
        var theirs = reference();
        if (theirs.ExitCode != 0 || !theirs.StdOut.Contains(Marker + "hello"))
        {
            throw Skip.Because($"{what} cannot run containers here (the image umoci packed fails too: exit {theirs.ExitCode} {theirs.StdErr.Trim()}; ours: exit {ours.ExitCode} {ours.StdErr.Trim()})");
        }
    }

    /// <summary>
    /// Builds buildah's two-image layout in a storage: base (from scratch, buildah copy of busybox and files), top
    /// (buildah run on base: deletes /etc/old.conf, replaces the directory /data by a new one and the directory
    /// /srv by a file, adds /etc/new.conf), both committed to oci:LAYOUT:base and :top. Returns the top's
    /// working container (still present, for buildah mount). Skips when buildah run cannot run here.
    /// </summary>
    public string BuildWithBuildahContainer(ContainerStorage storage, string layout)
    {
        var source = Combine("buildah-src-" + storage.Driver);
        if (!Directory.Exists(source))
        {
            CopyTree(BusyboxTree, source);
            Directory.CreateDirectory(Path.Combine(source, "etc", "keep"));
            File.WriteAllText(Path.Combine(source, "etc", "old.conf"), "deleted by the top layer\n");
            File.WriteAllText(Path.Combine(source, "etc", "keep", "a"), "kept\n");
            Directory.CreateDirectory(Path.Combine(source, "data", "sub"));
            File.WriteAllText(Path.Combine(source, "data", "one"), "old data 1\n");
            File.WriteAllText(Path.Combine(source, "data", "sub", "two"), "old data 2\n");
            Directory.CreateDirectory(Path.Combine(source, "srv", "www"));
            File.WriteAllText(Path.Combine(source, "srv", "www", "index.html"), "<p>old</p>\n");
        }

        var from = storage.Buildah("from", "scratch");
        if (from.ExitCode != 0)
        {
            throw Skip.Because($"buildah --storage-driver {storage.Driver} cannot make a container here: {from.StdErr.Trim()}");
        }

        var baseContainer = from.StdOut.Trim();
        storage.BuildahOrThrow("copy", baseContainer, source, "/");
        storage.BuildahOrThrow("config", "--entrypoint", "[\"/bin/sh\",\"-c\"]", "--os", "linux", "--arch", "amd64", baseContainer);
        storage.BuildahOrThrow("commit", "--quiet", baseContainer, $"oci:{layout}:base");
        storage.BuildahOrThrow("rm", baseContainer);

        var top = storage.BuildahOrThrow("from", $"oci:{layout}:base").Trim();
        var run = storage.Buildah("run", "--isolation", "chroot", top, "--", "/bin/sh", "-c",
            "rm /etc/old.conf && rm -rf /data && mkdir /data && echo new > /data/fresh && rm -rf /srv && echo 'srv is a file now' > /srv && echo new > /etc/new.conf");
        if (run.ExitCode != 0)
        {
            throw Skip.Because($"buildah run --isolation chroot cannot run here ({storage.Driver}): {run.StdErr.Trim()}");
        }

        storage.BuildahOrThrow("commit", "--quiet", top, $"oci:{layout}:top");
        return top;
    }

    public void Dispose()
    {
        if (_containerd.IsValueCreated)
        {
            _containerd.Value.Dispose();
        }

        if (_storage.IsValueCreated)
        {
            _storage.Value.Dispose();
        }

        if (_registry.IsValueCreated)
        {
            _registry.Value.Dispose();
        }

        ContainerdServer.UnmountUnder(_temp.Path);
        _temp.Dispose();
    }

    /// <summary>True when an ELF executable has no program interpreter (PT_INTERP): statically linked.</summary>
    public static bool IsStatic(string elf)
    {
        var bytes = File.ReadAllBytes(elf);
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[4] != 2)
        {
            return false;
        }

        var phoff = BitConverter.ToInt64(bytes, 0x20);
        var phentsize = BitConverter.ToUInt16(bytes, 0x36);
        var phnum = BitConverter.ToUInt16(bytes, 0x38);
        for (var i = 0; i < phnum; i++)
        {
            if (BitConverter.ToUInt32(bytes, (int)(phoff + (i * phentsize))) == 3)
            {
                return false;
            }
        }

        return true;
    }

    private string MakeBusyboxTree()
    {
        const string busybox = "/bin/busybox";
        if (!File.Exists(busybox) || !IsStatic(busybox))
        {
            throw Skip.Because("/bin/busybox is absent or not statically linked (.ci/run installs busybox-static with apt-get).");
        }

        var tree = Combine("busybox-tree");
        Directory.CreateDirectory(Path.Combine(tree, "bin"));
        File.Copy(busybox, Path.Combine(tree, "bin", "busybox"));
        File.SetUnixFileMode(Path.Combine(tree, "bin", "busybox"), (UnixFileMode)0x1ED);
        foreach (var applet in new[] { "sh", "echo", "cat", "ls", "env" })
        {
            File.CreateSymbolicLink(Path.Combine(tree, "bin", applet), "busybox");
        }

        return tree;
    }

    private string BuildOurs()
    {
        var layout = Combine("ours");
        using var host = new PowerShellHost();
        host.RunClean(
            $"New-OciLayer '{BusyboxTree}' -Layout '{layout}' | " +
            $"New-OciImage -Layout '{layout}' -Tag run -Entrypoint /bin/sh,-c -Command 'echo {Marker}$GREETING' -Environment @{{GREETING='hello'}} -Platform linux/amd64");
        host.RunClean($"Export-OciImage oci:{layout}:run '{OurOciArchive}'");
        host.RunClean($"Export-OciImage oci:{layout}:run '{OurDockerArchive}' -Format docker -RepoTag {OurRepoTag}");
        return layout;
    }

    private string BuildWithUmoci()
    {
        var layout = Combine("umoci");
        ExternalTool.Run("umoci", "init", "--layout", layout);
        ExternalTool.Run("umoci", "new", "--image", $"{layout}:run");
        ExternalTool.Run("umoci", "insert", "--image", $"{layout}:run", BusyboxTree, "/");
        ExternalTool.Run("umoci", "config", "--image", $"{layout}:run", "--config.entrypoint", "/bin/sh", "--config.entrypoint", "-c",
            "--config.cmd", $"echo {Marker}$GREETING", "--config.env", "GREETING=hello", "--architecture", "amd64", "--os", "linux");
        return layout;
    }

    private string BuildWithBuildah(ContainerStorage storage, string layout)
    {
        BuildWithBuildahContainer(storage, layout);
        return layout;
    }

    /// <summary>The manifest digest a layout's index.json gives a tag.</summary>
    public static string LayoutDigest(string layout, string tag) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json"))).RootElement.GetProperty("manifests").EnumerateArray()
            .First(m => m.TryGetProperty("annotations", out var a) && a.TryGetProperty("org.opencontainers.image.ref.name", out var n) && n.GetString() == tag)
            .GetProperty("digest").GetString()!;

    /// <summary>The manifest digest skopeo reports for an image in the fixture's registry (skopeo compresses layers it pushes, so it is not the layout's).</summary>
    public string RegistryDigest(string repositoryAndTag) =>
        JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{Registry.Host}/{repositoryAndTag}")).RootElement.GetProperty("Digest").GetString()!;

    /// <summary>The config digest of a layout image's manifest.</summary>
    public static string LayoutConfigDigest(string layout, string tag) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "blobs", "sha256", LayoutDigest(layout, tag).Substring(7)))).RootElement
            .GetProperty("config").GetProperty("digest").GetString()!;

    /// <summary>umoci's unpacked root file system of a layout image.</summary>
    public IReadOnlyList<string> UmociTree(string layout, string tag)
    {
        var bundle = Combine("umoci-unpack-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        ExternalTool.Run("umoci", "unpack", "--image", $"{layout}:{tag}", bundle);
        return TreeListing.Of(Path.Combine(bundle, "rootfs"));
    }

    private static void CopyTree(string from, string to)
    {
        ExternalTool.Run("cp", "-a", from, to);
    }
}
