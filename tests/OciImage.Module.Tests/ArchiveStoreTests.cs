using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Archives are stores: oci-archive: and docker-archive: references work wherever a reference does, read and
/// written, with skopeo as the referee; what an archive cannot do is OperationNotSupported.
/// </summary>
public sealed class ArchiveStoreTests : IClassFixture<LayoutFixture>
{
    private readonly LayoutFixture _fixture;

    public ArchiveStoreTests(LayoutFixture fixture) => _fixture = fixture;

    [ToolFact("umoci", "skopeo")]
    public void AnOciArchiveIsWrittenAndReadLikeALayoutAndSkopeoAgrees()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("images.tar");
        using var host = new PowerShellHost();
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:multi oci-archive:{archive}:multi");
        Assert.Equal(_fixture.IndexDigest, host.RunClean($"(Get-OciManifest oci-archive:{archive}:multi).Digest.ToString()").Single().ToString());
        ExternalTool.Run("skopeo", "copy", "--quiet", "--all", $"oci-archive:{archive}:multi", $"oci:{temp.Combine("by-skopeo")}:m");
        Assert.Equal(_fixture.IndexDigest, ReferenceImages.SkopeoDigest(temp.Combine("by-skopeo"), "m"));

        // Copying into an existing archive adds to it; every reading cmdlet takes it.
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:amd oci-archive:{archive}:amd");
        Assert.Equal(new[] { "amd", "multi" }, host.RunClean($"(Get-OciTag oci-archive:{archive}).Tag").Select(t => t.ToString()).Order());
        Assert.True((bool)host.RunClean($"Test-OciImage oci-archive:{archive}:multi -Deep -Quiet").Single().BaseObject);
        Assert.NotEmpty(host.RunClean($"Get-OciLayer oci-archive:{archive}:amd"));
        host.RunClean($"Expand-OciImage oci-archive:{archive}:multi '{temp.Combine("rootfs")}' -Platform linux/arm64");
        Assert.Equal("hello arm64\n", File.ReadAllText(temp.Combine("rootfs", "app", "hello.txt")));
        Assert.DoesNotContain(TarNames(archive), n => n.EndsWith(".lock", StringComparison.Ordinal));
        Assert.Empty(Directory.GetDirectories(temp.Path, ".ociimage-archive-*"));
    }

    [ToolFact("umoci", "skopeo", "docker-registry")]
    public void ADockerArchiveIsWrittenInDockersFormatAndCopiedStraightIntoARegistry()
    {
        using var registry = new RegistryServer();
        using var temp = new TempDirectory();
        var archive = temp.Combine("app.tar");
        using var host = new PowerShellHost();
        var written = host.Run($"Copy-OciImage oci:{_fixture.Layout}:amd docker-archive:{archive}:example/app:1.0");
        Assert.Empty(written.Errors);
        Assert.Contains(written.Warnings, w => w.Contains("digest", StringComparison.Ordinal));

        // docker load's format, with the name as a RepoTag; skopeo reads the same config.
        var manifest = JsonDocument.Parse(TarEntry(archive, "manifest.json")).RootElement[0];
        Assert.Equal("example/app:1.0", manifest.GetProperty("RepoTags")[0].GetString());
        var config = ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"docker-archive:{archive}").Trim();
        Assert.Equal(ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"oci:{_fixture.Layout}:amd").Trim(), config);

        // Straight from the archive into a registry: no layout of the user's in between; the name gives the tag.
        host.RunClean($"Copy-OciImage docker-archive:{archive}:example/app:1.0 {registry.Host}/team/app");
        Assert.Equal("1.0", host.RunClean($"(Get-OciTag {registry.Host}/team/app).Tag").Single().ToString());
        host.RunClean($"Expand-OciImage {registry.Host}/team/app:1.0 '{temp.Combine("rootfs")}'");
        Assert.Equal("hello amd64\n", File.ReadAllText(temp.Combine("rootfs", "app", "hello.txt")));

        // A skopeo-written docker archive is read by name too.
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:arm", $"docker-archive:{temp.Combine("skopeo.tar")}:example/arm:2");
        Assert.Equal(ReferenceImages.SkopeoLayers(_fixture.Layout, "arm").Count, host.RunClean($"Get-OciLayer docker-archive:{temp.Combine("skopeo.tar")}:example/arm:2").Count);
    }

    [ToolFact("umoci", "skopeo")]
    public void WhatAnArchiveCannotDoIsOperationNotSupportedAndNothingIsWritten()
    {
        using var temp = new TempDirectory();
        var archive = temp.Combine("one.tar");
        using var host = new PowerShellHost();
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:amd oci-archive:{archive}:amd");
        var before = File.ReadAllBytes(archive);
        foreach (var script in new[] { $"Set-OciTag oci-archive:{archive}:amd -Tag other", $"Remove-OciTag oci-archive:{archive}:amd", $"Remove-OciManifest oci-archive:{archive}:amd -Confirm:$false" })
        {
            var error = Assert.Single(host.Run(script).Errors);
            Assert.StartsWith("OperationNotSupported,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(System.Management.Automation.ErrorCategory.NotImplemented, error.CategoryInfo.Category);
        }

        Assert.Equal(before, File.ReadAllBytes(archive));

        // An index does not fit a docker archive: said plainly, and no file appears.
        var index = Assert.Single(host.Run($"Copy-OciImage oci:{_fixture.Layout}:multi docker-archive:{temp.Combine("multi.tar")}:example/multi:1").Errors);
        Assert.StartsWith("OperationNotSupported,", index.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("-Single", index.Exception.Message);
        Assert.False(File.Exists(temp.Combine("multi.tar")));
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:multi docker-archive:{temp.Combine("multi.tar")}:example/multi:1 -Platform linux/arm64 -Single");
        Assert.True(File.Exists(temp.Combine("multi.tar")));
        Assert.Empty(Directory.GetDirectories(temp.Path, ".ociimage-archive-*"));
    }

    [Fact]
    public void AMissingArchiveIsFileNotFound()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var error = Assert.Single(host.Run($"Get-OciManifest oci-archive:{temp.Combine("none.tar")}").Errors);
        Assert.StartsWith("FileNotFound,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    private static List<string> TarNames(string archive)
    {
        using var reader = new TarReader(File.OpenRead(archive));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private static string TarEntry(string archive, string name)
    {
        using var reader = new TarReader(File.OpenRead(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name == name)
            {
                using var text = new StreamReader(entry.DataStream!);
                return text.ReadToEnd();
            }
        }

        throw new FileNotFoundException(name);
    }
}
