using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Export-OciImage and Import-OciImage; skopeo's oci-archive and docker-archive transports referee.</summary>
public sealed class ArchiveTests : IClassFixture<LayoutFixture>
{
    private readonly LayoutFixture _fixture;

    public ArchiveTests(LayoutFixture fixture) => _fixture = fixture;

    [ToolFact("umoci", "skopeo")]
    public void OciArchivesRoundTripWithSkopeo()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var multi = _fixture.IndexDigest;
        var file = host.RunClean($"Export-OciImage oci:{_fixture.Layout}:multi '{temp.Combine("multi.tar")}'").Single();
        Assert.True(File.Exists(temp.Combine("multi.tar")));
        ExternalTool.Run("skopeo", "copy", "--quiet", "--all", $"oci-archive:{temp.Combine("multi.tar")}:multi", $"oci:{temp.Combine("by-skopeo")}:m");
        Assert.Equal(multi, ReferenceImages.SkopeoDigest(temp.Combine("by-skopeo"), "m"));

        // skopeo writes an archive, we import it with the same digest.
        var amd = ReferenceImages.SkopeoDigest(_fixture.Layout, "amd");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:amd", $"oci-archive:{temp.Combine("amd.tar")}:amd");
        var imported = host.RunClean($"Import-OciImage '{temp.Combine("amd.tar")}' oci:{temp.Combine("imported")}").Single();
        Assert.Equal(amd, imported.Properties["Digest"].Value.ToString());
        Assert.Equal(amd, ReferenceImages.SkopeoDigest(temp.Combine("imported"), "amd"));
        Assert.Empty(Directory.GetDirectories(temp.Path, ".ociimage-archive-*"));
    }

    [ToolFact("umoci", "skopeo")]
    public void DockerArchivesAreReadBySkopeoAndImported()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:multi '{temp.Combine("docker.tar")}' -Format docker -Platform linux/arm64 -RepoTag example/app:1");
        var config = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"docker-archive:{temp.Combine("docker.tar")}")).RootElement;
        Assert.Equal("arm64", config.GetProperty("architecture").GetString());
        var original = ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"oci:{_fixture.Layout}:arm");
        Assert.Equal(original.Trim(), ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"docker-archive:{temp.Combine("docker.tar")}").Trim());
        ExternalTool.Run("skopeo", "copy", "--quiet", $"docker-archive:{temp.Combine("docker.tar")}", $"oci:{temp.Combine("from-docker")}:x");

        // skopeo's docker-archive, imported: same config, layers whose digests are the DiffIDs.
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:amd", $"docker-archive:{temp.Combine("saved.tar")}:example/saved:7");
        host.RunClean($"Import-OciImage '{temp.Combine("saved.tar")}' oci:{temp.Combine("imported")}");
        Assert.Equal("7", host.RunClean($"(Get-OciTag oci:{temp.Combine("imported")}).Tag").Single().ToString());
        var layer = host.RunClean($"Get-OciLayer oci:{temp.Combine("imported")}:7").Single();
        Assert.Equal(layer.Properties["DiffId"].Value.ToString(), layer.Properties["Digest"].Value.ToString());
        host.RunClean($"Expand-OciImage oci:{temp.Combine("imported")}:7 '{temp.Combine("rootfs")}'");
        Assert.Equal("hello amd64\n", File.ReadAllText(temp.Combine("rootfs", "app", "hello.txt")));
    }

    [Fact]
    public void WhatIsNotAnArchiveIsAClearError()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.Combine("not.tar"), "plain text, not a tar");
        using var host = new PowerShellHost();
        var error = Assert.Single(host.Run($"Import-OciImage '{temp.Combine("not.tar")}' oci:{temp.Combine("x")}").Errors);
        Assert.Equal("InvalidArchive,OciImage.Commands.ImportOciImageCommand", error.FullyQualifiedErrorId);
        var missing = Assert.Single(host.Run($"Import-OciImage '{temp.Combine("none.tar")}' oci:{temp.Combine("x")}").Errors);
        Assert.Equal("FileNotFound,OciImage.Commands.ImportOciImageCommand", missing.FullyQualifiedErrorId);
    }
}
