using System;
using System.IO;
using System.Collections.Generic;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>The test registries really enforce their auth: skopeo, an independent client, is the witness.</summary>
public class RegistryKitTests
{
    [Fact]
    public void PodmanRunsContainersWithRuncNotTheHostDefaultRuntime()
    {
        // crun, podman's default on Debian, refuses hosts with hybrid cgroups; a host without them cannot show
        // the failure, so the command line itself is pinned: runc, by absolute path where PATH has it.
        using var storage = new ContainerStorage();
        var args = storage.PodmanArguments("run", "image");
        var at = Array.IndexOf(args, "--runtime");
        Assert.True(at >= 0, "podman is started without --runtime: " + string.Join(" ", args));
        Assert.Equal(ContainerStorage.RuncPath, args[at + 1]);
        Assert.Equal("runc", Path.GetFileName(args[at + 1]));
        Assert.True(at < Array.IndexOf(args, "run"), "--runtime is a global flag: it must come before the subcommand");
        if (ExternalTool.IsInstalled("runc"))
        {
            Assert.True(Path.IsPathRooted(args[at + 1]), "runc is on PATH, so podman is given its absolute path");
        }
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void EachAuthModeAcceptsRightAndRefusesWrongCredentials()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        ReferenceImages.BuildWithUmoci(layout, "v1", "amd64", new Dictionary<string, string> { ["f"] = "x" });
        foreach (var auth in new[] { RegistryAuth.None, RegistryAuth.Basic, RegistryAuth.Token })
        {
            using var registry = new RegistryServer(auth);
            registry.PushWithSkopeo($"oci:{layout}:v1", "kit/app:v1");
            var args = new List<string> { "inspect", "--tls-verify=false" };
            args.AddRange(registry.SkopeoCredentials("--creds"));
            args.Add($"docker://{registry.Host}/kit/app:v1");
            Assert.Contains(ReferenceImages.SkopeoDigest(layout, "v1"), ExternalTool.Run("skopeo", args.ToArray()));

            if (auth != RegistryAuth.None)
            {
                var wrong = ExternalTool.TryRun("skopeo", "inspect", "--tls-verify=false", "--creds", "ociuser:wrong", $"docker://{registry.Host}/kit/app:v1");
                Assert.NotEqual(0, wrong.ExitCode);
            }
        }
    }
}
