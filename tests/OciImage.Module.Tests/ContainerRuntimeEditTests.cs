using System;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Runtime referee of the image-changing cmdlets (issue 31 item 6, issue 35 item 6): what Edit-OciImage,
/// Merge-OciLayer, Update-OciImageBase and Set-OciImageConfig (on an index) write is pushed to the test registry,
/// pulled by containerd and run by runc, and the container prints what the change promised. Same fixture (and so
/// the same containerd) as the other referees in this class.
/// </summary>
public sealed partial class ContainerRuntimeTests
{
    /// <summary>What the app prints: the environment, the base's marker, the app's files (msg and secret).</summary>
    private const string AppCommand =
        "echo " + ContainerImages.Marker + "$GREETING; cat /etc/base.txt /app/msg; " +
        "if [ -e /app/secret ]; then echo secret-present; else echo secret-absent; fi; if [ -e /app/gone ]; then echo gone-present; fi; " +
        "if [ -e /etc/v2-only ]; then echo v2-only-present; fi; if [ -e /etc/old.txt ]; then echo old-present; fi";

    /// <summary>The original app on base v1: env hello, marker v1, msg as its second layer rewrote it, the secret, no /app/gone, no /etc/old.txt.</summary>
    private static readonly string[] AppOutput = { ContainerImages.Marker + "hello", "base v1", "app 2", "secret-present" };

    [RuntimeToolFact("containerd", "ctr", "runc", "docker-registry")]
    public void AnImageEditedByEditOciImageRunsWithoutTheRemovedFile()
    {
        using var host = new PowerShellHost();
        var layout = AppOnBaseLayout(host);
        var edited = host.RunClean($"Edit-OciImage oci:{layout}:app -Tag edited -RemovePath /app/secret -Compression zstd -Timestamp '2020-01-02T03:04:05Z'").Single();
        Assert.Equal(new[] { "/app/secret" }, ((System.Collections.IEnumerable)edited.Properties["PathsRemoved"].Value).Cast<object>().Select(o => o.ToString()));
        Assert.All(host.RunClean($"Get-OciLayer oci:{layout}:edited | ForEach-Object MediaType").Select(m => m.ToString()), m => Assert.EndsWith("+zstd", m));

        var output = PushPullRun(host, layout, "app", "edit/app:1");
        Assert.Equal(AppOutput, output);
        Assert.Equal(new[] { ContainerImages.Marker + "hello", "base v1", "app 2", "secret-absent" }, PushPullRun(host, layout, "edited", "edit/app:edited"));

        // Every file time, as runc's container sees it, is the -Timestamp (2020-01-02T03:04:05Z).
        var times = _images.Containerd.Run($"{_images.Registry.Host}/edit/app:edited", "/bin/busybox", "stat", "-c", "%Y %n", "/app/msg", "/etc/base.txt", "/bin/busybox");
        Assert.Equal(new[] { "1577934245 /app/msg", "1577934245 /etc/base.txt", "1577934245 /bin/busybox" }, times.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [RuntimeToolFact("containerd", "ctr", "runc", "docker-registry")]
    public void ImagesSquashedByMergeOciLayerRunLikeTheOriginal()
    {
        using var host = new PowerShellHost();
        var layout = AppOnBaseLayout(host);
        host.RunClean($"Merge-OciLayer oci:{layout}:app -Tag flat");
        host.RunClean($"Merge-OciLayer oci:{layout}:app -AboveBase -Tag squashed");
        Assert.Single(host.RunClean($"Get-OciLayer oci:{layout}:flat"));
        Assert.Equal(3, host.RunClean($"Get-OciLayer oci:{layout}:squashed").Count);

        Assert.Equal(AppOutput, PushPullRun(host, layout, "flat", "merge/app:flat"));
        Assert.Equal(AppOutput, PushPullRun(host, layout, "squashed", "merge/app:squashed"));
    }

    [RuntimeToolFact("containerd", "ctr", "runc", "docker-registry")]
    public void AnImageRebasedByUpdateOciImageBaseRunsOnTheNewBase()
    {
        using var host = new PowerShellHost();
        var layout = AppOnBaseLayout(host);
        var rebased = host.RunClean($"Update-OciImageBase oci:{layout}:app -OldBase oci:{layout}:base-v1 -NewBase oci:{layout}:base-v2 -Tag rebased").Single();
        Assert.Equal(1, (int)rebased.Properties["Changed"].Value);

        // v2's marker and its extra file, the app's three layers (msg rewritten, /app/gone and /etc/old.txt whited out) on top.
        Assert.Equal(new[] { ContainerImages.Marker + "hello", "base v2", "app 2", "secret-present", "v2-only-present" }, PushPullRun(host, layout, "rebased", "rebase/app:v2"));
    }

    [RuntimeToolFact("containerd", "ctr", "runc", "docker-registry")]
    public void AnIndexWhoseEveryImageWasChangedRunsWithTheNewEnvironment()
    {
        using var host = new PowerShellHost();
        var layout = AppOnBaseLayout(host);
        host.RunClean($"$arm = Get-OciLayer oci:{layout}:app | ForEach-Object Digest | ForEach-Object ToString | New-OciImage -Layout '{layout}' -Tag app-arm -Platform linux/arm64 -Entrypoint /bin/sh,-c -Command 'echo arm'; " +
            $"$null = (Get-OciManifest oci:{layout}:app), $arm | New-OciIndex -Layout '{layout}' -Tag multi");
        var changed = host.RunClean($"Set-OciImageConfig oci:{layout}:multi -Tag multi-env -Environment @{{ GREETING = 'everywhere' }}").Single();
        Assert.Equal(2, (int)changed.Properties["Changed"].Value);
        Assert.Equal("GREETING=everywhere", host.RunClean($"(Get-OciImageConfig oci:{layout}:multi-env -Platform linux/arm64).Environment -like 'GREETING=*' ").Single().ToString());

        Assert.Equal(new[] { ContainerImages.Marker + "everywhere" }.Concat(AppOutput.Skip(1)), PushPullRun(host, layout, "multi-env", "every/app:env"));
    }

    /// <summary>
    /// A layout (made once per fixture) with base-v1 and base-v2 (the busybox layer and a marker layer each: /etc/base.txt,
    /// v1 also /etc/old.txt, v2 /etc/v2-only) and app built on base-v1 with three layers: /app/msg, /app/secret, /app/gone;
    /// then msg rewritten and gone removed (a whiteout); then the base's /etc/old.txt removed (a whiteout squashing must keep).
    /// </summary>
    private string AppOnBaseLayout(PowerShellHost host)
    {
        var layout = _images.Combine("app-on-base");
        if (Directory.Exists(layout))
        {
            return layout;
        }

        string Tree(string name, params (string Path, string Text)[] files)
        {
            var root = _images.Combine("trees", name);
            foreach (var (path, text) in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, path))!);
                File.WriteAllText(Path.Combine(root, path), text + "\n");
            }

            return root;
        }

        var v1 = Tree("v1", ("etc/base.txt", "base v1"), ("etc/old.txt", "only in base v1"));
        var v2 = Tree("v2", ("etc/base.txt", "base v2"), ("etc/v2-only", "v2"));
        var step1 = Tree("step1", ("app/msg", "app 1"), ("app/secret", "s3cret"), ("app/gone", "removed above"));
        var step2 = Tree("step2", ("app/msg", "app 2"), ("app/secret", "s3cret"));
        var step3 = Tree("step3", ("etc/base.txt", "base v1"));
        host.RunClean($"$bb = New-OciLayer '{_images.BusyboxTree}' -Layout '{layout}'; " +
            $"$null = $bb, (New-OciLayer '{v1}' -Layout '{layout}') | New-OciImage -Layout '{layout}' -Tag base-v1 -Platform linux/amd64 -Entrypoint /bin/sh,-c; " +
            $"$null = $bb, (New-OciLayer '{v2}' -Layout '{layout}') | New-OciImage -Layout '{layout}' -Tag base-v2 -Platform linux/amd64 -Entrypoint /bin/sh,-c; " +
            $"$null = New-OciLayer '{step1}' -Layout '{layout}' | New-OciImage -Layout '{layout}' -Tag app -Base oci:{layout}:base-v1 -Entrypoint /bin/sh,-c -Command '{AppCommand}' -Environment @{{ GREETING = 'hello' }}; " +
            $"$null = New-OciLayer '{step2}' -Base '{step1}' -Layout '{layout}' | Add-OciLayer oci:{layout}:app; " +
            $"$null = New-OciLayer '{step3}' -Base '{v1}' -Layout '{layout}' | Add-OciLayer oci:{layout}:app");
        return layout;
    }

    /// <summary>Pushes a layout tag to the test registry, has containerd pull and run it, and returns its output lines (the test fails when it does not run, or is skipped when no image can run here).</summary>
    private string[] PushPullRun(PowerShellHost host, string layout, string tag, string repositoryAndTag)
    {
        var reference = $"{_images.Registry.Host}/{repositoryAndTag}";
        host.RunClean($"$null = Copy-OciImage oci:{layout}:{tag} {reference}");
        var containerd = _images.Containerd;
        containerd.PullPlainHttp(reference);
        var run = containerd.Run(reference);
        if (run.ExitCode != 0)
        {
            _images.SkipUnlessReferenceRuns("ctr run", run, () =>
            {
                _images.Registry.PushWithSkopeo($"oci:{_images.UmociLayout}:run", "umoci/run:1");
                containerd.PullPlainHttp($"{_images.Registry.Host}/umoci/run:1");
                return containerd.Run($"{_images.Registry.Host}/umoci/run:1");
            });
        }

        Assert.True(run.ExitCode == 0, $"ctr run of {tag} exited {run.ExitCode}: {run.StdErr}{run.StdOut}");
        return run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
    }
}
