using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.TestKit;

namespace OciImage.Module.Tests;

/// <summary>
/// Two images buildah builds from Dockerfiles (buildah bud --layers, chroot isolation, vfs, a private storage),
/// each in OCI and Docker format, made once per class: "a" (a long symbolic link target, a long hard link
/// target, owners 3000000:3000001 with setuid, an intact hard link pair, a hard link broken by a later layer, a
/// deleted file, a deleted directory, a file replaced by a directory) and "b" on it (a file rewritten through
/// one name of a hard link pair, an owner, a mode and a link changed, a directory deleted, a directory replaced
/// by a file, a file added). Each is pushed as OCI gzip, OCI zstd, Docker gzip (v2s2 in an OCI layout) and a
/// docker archive (uncompressed); buildah has no zstd for Docker's media types. Each is also mounted
/// (buildah from + mount): the root file system the expansion and the listings are judged against.
/// </summary>
public sealed class BuildahDockerfileImages : IDisposable
{
    public static readonly string[] Formats = { "oci-gzip", "oci-zstd", "docker-gzip", "docker-archive" };

    private static readonly string LongDir = new string('d', 120);
    private static readonly string LongTarget = "/" + new string('t', 150) + "/target";

    private readonly TempDirectory _temp = new("ocibuildahbud");
    private readonly Lazy<ContainerStorage> _storage = new(() => new ContainerStorage("vfs"));
    private readonly Lazy<Dictionary<string, string>> _mounts;

    public BuildahDockerfileImages() => _mounts = new(Build);

    public string Layout => _temp.Combine("layout");

    public string Combine(params string[] parts) => _temp.Combine(parts);

    /// <summary>The reference of image a or b in a format, after the images are built.</summary>
    public string Reference(string image, string format)
    {
        _ = _mounts.Value;
        return format == "docker-archive" ? $"docker-archive:{Combine(image + "-docker.tar")}:{image}/docker:1" : $"oci:{Layout}:{image}-{format}";
    }

    /// <summary>buildah's mounted root file system of image a or b as built in the format's manifest style (oci or docker).</summary>
    public string Mount(string image, string format) => _mounts.Value[image + "-" + format.Split('-')[0]];

    public void Dispose()
    {
        if (_storage.IsValueCreated)
        {
            _storage.Value.Buildah("umount", "--all");
            _storage.Value.Dispose();
        }

        _temp.Dispose();
    }

    private Dictionary<string, string> Build()
    {
        if (Environment.UserName != "root")
        {
            throw Skip.Because("the Dockerfiles chown files to 3000000:3000001 and compare owners, which needs root");
        }

        var context = MakeContext();
        var storage = _storage.Value;
        var mounts = new Dictionary<string, string>();
        foreach (var style in new[] { "oci", "docker" })
        {
            foreach (var image in new[] { "a", "b" })
            {
                var name = $"localhost/{image}-{style}";
                var build = storage.Buildah("bud", "--pull=never", "--isolation", "chroot", "--layers", "--format", style,
                    "--build-arg", "BASE=localhost/a-" + style, "-f", Path.Combine(context, image + ".Dockerfile"), "-t", name, context);
                if (build.ExitCode != 0)
                {
                    throw Skip.Because($"buildah bud --isolation chroot cannot build here: {build.StdErr.Trim()}");
                }

                if (style == "oci")
                {
                    storage.BuildahOrThrow("push", "--quiet", name, $"oci:{Layout}:{image}-oci-gzip");
                    storage.BuildahOrThrow("push", "--quiet", "--compression-format", "zstd", name, $"oci:{Layout}:{image}-oci-zstd");
                }
                else
                {
                    storage.BuildahOrThrow("push", "--quiet", "--format", "v2s2", name, $"oci:{Layout}:{image}-docker-gzip");
                    storage.BuildahOrThrow("push", "--quiet", name, $"docker-archive:{Combine(image + "-docker.tar")}:{image}/docker:1");
                }

                var container = storage.BuildahOrThrow("from", "--pull=never", name).Trim();
                mounts[image + "-" + style] = storage.BuildahOrThrow("mount", container).Trim();
            }
        }

        return mounts;
    }

    private string MakeContext()
    {
        const string busybox = "/bin/busybox";
        if (!File.Exists(busybox) || !ContainerImages.IsStatic(busybox))
        {
            throw Skip.Because("/bin/busybox is absent or not statically linked (.ci/run installs busybox-static with apt-get).");
        }

        var context = Combine("context");
        var bin = Path.Combine(context, "rootfs", "bin");
        Directory.CreateDirectory(bin);
        File.Copy(busybox, Path.Combine(bin, "busybox"));
        File.SetUnixFileMode(Path.Combine(bin, "busybox"), (UnixFileMode)0x1ED);
        foreach (var applet in new[] { "sh", "echo", "ln", "mkdir", "rm", "rmdir", "chown", "chmod" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }

        // Layer 2 of a: what ustar headers cannot hold, and the names later layers change.
        File.WriteAllText(Path.Combine(context, "a.Dockerfile"), string.Join("\n",
            "FROM scratch",
            "COPY rootfs/ /",
            $"RUN mkdir -p /deep/{LongDir} /data /gone/sub /etc && echo deep > /deep/{LongDir}/file && ln /deep/{LongDir}/file /hardlong" +
            $" && ln -s {LongTarget} /longlink && chown -h 3000000:3000001 /longlink" +
            " && echo big > /big && chown 3000000:3000001 /big && chmod 4750 /big" +
            " && echo one > /data/h1 && ln /data/h1 /data/h2 && echo pair > /hh1 && ln /hh1 /hh2" +
            " && echo old > /etc/old.conf && echo g > /gone/sub/f && echo f > /replaced",
            "RUN rm /data/h1 && echo new > /data/h1 && rm /etc/old.conf && rm -rf /gone && rm /replaced && mkdir /replaced && echo inner > /replaced/inner",
            string.Empty));

        // b on a: every kind of change Compare-OciImage reports.
        File.WriteAllText(Path.Combine(context, "b.Dockerfile"), string.Join("\n",
            "ARG BASE",
            "FROM $BASE",
            "RUN echo rewritten >> /hh1 && chown 3000002:3000001 /big && chmod 600 /data/h2 && ln -sf /elsewhere /longlink" +
            " && rm -rf /deep && rm /replaced/inner && rmdir /replaced && echo file > /replaced && echo added > /added",
            string.Empty));
        return context;
    }
}
