using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The docker-daemon: transport against a real Docker Engine API: podman's compatible service, started here on
/// a socket of its own. DOCKER_HOST names it, as users set it; the tests of this class run one at a time and put
/// the variable back after each.
/// </summary>
public sealed class DockerDaemonTests : IClassFixture<ContainerImages>
{
    private readonly ContainerImages _images;

    public DockerDaemonTests(ContainerImages images) => _images = images;

    [RuntimeToolFact("podman", "runc", "umoci")]
    public void AnImageCopiedIntoTheDaemonRunsAndComesBackWithTheDaemonsImageId()
    {
        var source = $"oci:{_images.OurLayout}:run";
        using var podman = new PodmanService();
        var back = _images.Combine("daemon-back-" + Guid.NewGuid().ToString("N"));
        var result = WithDaemon(podman,
            $"Copy-OciImage '{source}' docker-daemon:ocitest/daemon:1 | Out-Null;" +
            $"Copy-OciImage docker-daemon:ocitest/daemon:1 'oci:{back}:back' | Out-Null;" +
            $"(Get-OciImageConfig 'oci:{back}:back').Digest;" +
            $"(Get-OciImageConfig '{source}').DiffIds -join ',';" +
            $"(Get-OciImageConfig 'oci:{back}:back').DiffIds -join ',';" +
            "(TabExpansion2 -inputScript 'Get-OciManifest docker-daemon:ocitest/da' -cursorColumn 40).CompletionMatches.CompletionText -join ','");
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Contains("will differ", StringComparison.Ordinal));

        // The daemon holds it under the name given, runs it, and names it by its config's digest (its image ID).
        var id = podman.Storage.PodmanOrThrow("image", "inspect", "--format", "{{.Id}}", "ocitest/daemon:1").Trim();
        var run = podman.Storage.PodmanRun("ocitest/daemon:1");
        Assert.True(run.ExitCode == 0, $"podman run exited {run.ExitCode}: {run.StdErr}");
        Assert.Equal(ContainerImages.Marker + "hello", run.StdOut.Trim());
        var texts = result.Output.Select(o => o.ToString()).ToList();
        Assert.Equal("sha256:" + id, texts[0]);
        Assert.Equal(texts[1], texts[2]);
        Assert.Matches("docker-daemon:(localhost/)?ocitest/daemon:1", texts[3]);
    }

    [RuntimeToolFact("podman", "runc", "umoci", "buildah")]
    public void AnalysisReadsADaemonsImageAsItReadsALayout()
    {
        using var podman = new PodmanService();
        podman.Storage.PodmanOrThrow("pull", "--quiet", $"oci:{_images.BuildahLayout}:top");
        podman.Storage.PodmanOrThrow("tag", podman.Storage.PodmanOrThrow("images", "--quiet").Split('\n')[0].Trim(), "localhost/buildah/top:v2");
        var result = WithDaemon(podman,
            "$daemon = Get-OciLayerItem -Merged docker-daemon:localhost/buildah/top:v2;" +
            $"$layout = Get-OciLayerItem -Merged 'oci:{_images.BuildahLayout}:top';" +
            "(Test-OciImage docker-daemon:localhost/buildah/top:v2).IsValid;" +
            "(Measure-OciImage docker-daemon:localhost/buildah/top:v2).FileCount -gt 0;" +
            "($daemon | ForEach-Object { \"$($_.Type) $($_.OctalMode) $($_.Path) $($_.LinkTarget)\" }) -join '|';" +
            "($layout | ForEach-Object { \"$($_.Type) $($_.OctalMode) $($_.Path) $($_.LinkTarget)\" }) -join '|'");
        Assert.Empty(result.Errors);
        var texts = result.Output.Select(o => o.ToString()!).ToList();
        Assert.Equal(new[] { "True", "True" }, texts.Take(2));
        static string Sorted(string joined) => string.Join("|", joined.Split('|').OrderBy(l => l, StringComparer.Ordinal));
        Assert.Equal(Sorted(texts[3]), Sorted(texts[2]));
    }

    [RuntimeToolFact("podman", "runc")]
    public void AnImageTheDaemonLacksIsManifestUnknownAndNoDaemonIsDaemonUnreachable()
    {
        using var podman = new PodmanService();
        var missing = WithDaemon(podman, "Get-OciManifest docker-daemon:ocitest/nothing:here; 'next'");
        Assert.Equal("ManifestUnknown", missing.Errors.Single().FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("has no image 'ocitest/nothing:here'", missing.Errors.Single().Exception.Message, StringComparison.Ordinal);
        Assert.Equal("next", missing.Output.Last().ToString());

        using var temp = new TempDirectory();
        var none = WithDockerHost("unix://" + temp.Combine("docker.sock"), "Get-OciManifest docker-daemon:alpine:3; 'next'");
        var error = none.Errors.Single();
        Assert.Equal("DaemonUnreachable", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("is it running", error.Exception.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("next", none.Output.Last().ToString());
    }

    private static ScriptResult WithDaemon(PodmanService podman, string script) => WithDockerHost(podman.DockerHost, script);

    private static ScriptResult WithDockerHost(string dockerHost, string script)
    {
        lock (typeof(DockerDaemonTests))
        {
            var before = Environment.GetEnvironmentVariable("DOCKER_HOST");
            Environment.SetEnvironmentVariable("DOCKER_HOST", dockerHost);
            try
            {
                using var host = new PowerShellHost();
                return host.Run(script);
            }
            finally
            {
                Environment.SetEnvironmentVariable("DOCKER_HOST", before);
            }
        }
    }
}
