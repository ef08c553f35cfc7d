using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using OciImage.TestKit;
using Xunit;
using OciImage.Core.Layout;

namespace OciImage.Module.Tests;

/// <summary>
/// Archives and layouts as other tools write them: Docker 25+ archives, several images in one archive, linked
/// layer entries, archives on media we may not write to, partial multi-platform exports, whole references as
/// layout names, duplicate names, one index entry per copied index, garbage collection, and Go-style tar modes.
/// </summary>
public sealed class ForeignArchiveTests : IClassFixture<LayoutFixture>
{
    private readonly LayoutFixture _fixture;

    public ForeignArchiveTests(LayoutFixture fixture) => _fixture = fixture;

    [ToolFact("umoci", "skopeo")]
    public void ADocker25ArchiveWhoseIndexListsNothingIsReadByItsManifestJson()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:amd '{temp.Combine("docker.tar")}' -Format docker -RepoTag example/app:1.0");
        var folder = Extract(temp, "docker.tar");
        File.WriteAllText(Path.Combine(folder, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        File.WriteAllText(Path.Combine(folder, "index.json"), "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":null}");
        Pack(folder, temp.Combine("docker25.tar"));

        host.RunClean($"Import-OciImage '{temp.Combine("docker25.tar")}' oci:{temp.Combine("imported")}");
        Assert.Equal("1.0", host.RunClean($"(Get-OciTag oci:{temp.Combine("imported")}).Tag").Single().ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void ADocker25ArchiveIsReadByItsIndexUnderEitherName()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:amd '{temp.Combine("oci.tar")}'");
        var folder = Extract(temp, "oci.tar");

        // As docker save (25+) writes it: index.json names the image twice (ref.name and containerd's name).
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "index.json")))!;
        var entry = index["manifests"]![0]!;
        entry["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "1.0", ["io.containerd.image.name"] = "docker.io/library/app:1.0" };
        File.WriteAllText(Path.Combine(folder, "index.json"), index.ToJsonString());
        Pack(folder, temp.Combine("docker25.tar"));

        var imported = host.RunClean($"Import-OciImage '{temp.Combine("docker25.tar")}' oci:{temp.Combine("imported")}");
        var result = Assert.Single(imported);
        // The result names the archive and the image in it, not the work folder the import read it from.
        Assert.Equal($"oci-archive:{temp.Combine("docker25.tar")}:1.0@{ReferenceImages.SkopeoDigest(_fixture.Layout, "amd")}", result.Properties["Source"].Value.ToString());
        Assert.Equal("1.0", host.RunClean($"(Get-OciTag oci:{temp.Combine("imported")}).Tag").Single().ToString());
        var amd = ReferenceImages.SkopeoDigest(_fixture.Layout, "amd");
        Assert.Equal(amd, host.RunClean($"(Get-OciManifest docker-archive:{temp.Combine("docker25.tar")}:app:1.0).Digest.ToString()").Single().ToString());
        Assert.Equal(amd, host.RunClean($"(Get-OciManifest docker-archive:{temp.Combine("docker25.tar")}:1.0).Digest.ToString()").Single().ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void EveryImageOfAnArchiveIsImportedUnderItsOwnTagOrChosenByName()
    {
        using var temp = new TempDirectory();
        var archive = TwoImageDockerArchive(temp, "example/a:1", "example/b:2");
        using var host = new PowerShellHost();
        var results = host.RunClean($"Import-OciImage '{archive}' oci:{temp.Combine("all")}");
        Assert.Equal(2, results.Count);
        Assert.Equal(new[] { $"docker-archive:{archive}:example/a:1", $"docker-archive:{archive}:example/b:2" },
            results.Select(r => r.Properties["Source"].Value.ToString()!.Split('@')[0]).Order());
        Assert.Equal(new[] { "1", "2" }, host.RunClean($"(Get-OciTag oci:{temp.Combine("all")}).Tag").Select(t => t.ToString()).Order());

        host.RunClean($"Import-OciImage '{archive}' oci:{temp.Combine("one")} -Name 'example/b*'");
        Assert.Equal("2", host.RunClean($"(Get-OciTag oci:{temp.Combine("one")}).Tag").Single().ToString());

        // A destination with its own tag takes one image: which one must be said.
        var ambiguous = Assert.Single(host.Run($"Import-OciImage '{archive}' oci:{temp.Combine("tagged")}:x").Errors);
        Assert.Equal("AmbiguousReference,OciImage.Commands.ImportOciImageCommand", ambiguous.FullyQualifiedErrorId);
        host.RunClean($"Import-OciImage '{archive}' oci:{temp.Combine("tagged")}:x -Name example/a:1");
        Assert.Equal("x", host.RunClean($"(Get-OciTag oci:{temp.Combine("tagged")}).Tag").Single().ToString());

        var unknown = Assert.Single(host.Run($"Import-OciImage '{archive}' oci:{temp.Combine("none")} -Name nothing").Errors);
        Assert.Equal("ManifestUnknown,OciImage.Commands.ImportOciImageCommand", unknown.FullyQualifiedErrorId);
        Assert.Contains("example/a:1", unknown.Exception.Message);
    }

    [ToolFact("umoci", "skopeo")]
    public void TwoImagesOnOneTagAreRefusedBeforeAnythingIsWritten()
    {
        using var temp = new TempDirectory();
        var archive = TwoImageDockerArchive(temp, "example/a:1", "example/b:1");
        using var host = new PowerShellHost();
        var error = Assert.Single(host.Run($"Import-OciImage '{archive}' oci:{temp.Combine("dest")}").Errors);
        Assert.Equal("TagConflict,OciImage.Commands.ImportOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Contains("example/a:1", error.Exception.Message);
        Assert.Contains("example/b:1", error.Exception.Message);
        Assert.False(File.Exists(temp.Combine("dest", "index.json")) && File.ReadAllText(temp.Combine("dest", "index.json")).Contains("ref.name"), "a tag was written");
    }

    [ToolFact("umoci", "skopeo")]
    public void LayerEntriesThatAreLinksAreFollowedButNeverOutOfTheArchive()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:amd '{temp.Combine("docker.tar")}' -Format docker -RepoTag example/app:3");
        var folder = Extract(temp, "docker.tar");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!.AsArray();
        var layerName = manifest[0]!["Layers"]![0]!.GetValue<string>();

        // The layer's bytes live under another name; the entry the manifest names is a symbolic link to them.
        Directory.CreateDirectory(Path.Combine(folder, "store"));
        File.Move(Path.Combine(folder, layerName), Path.Combine(folder, "store", "layer.tar"));
        var depth = layerName.Count(c => c == '/');
        var target = string.Concat(Enumerable.Repeat("../", depth)) + "store/layer.tar";
        Pack(folder, temp.Combine("linked.tar"), (layerName, TarEntryType.SymbolicLink, target));
        host.RunClean($"Import-OciImage '{temp.Combine("linked.tar")}' oci:{temp.Combine("imported")}");
        host.RunClean($"Expand-OciImage oci:{temp.Combine("imported")}:3 '{temp.Combine("rootfs")}'");
        Assert.Equal("hello amd64\n", File.ReadAllText(temp.Combine("rootfs", "app", "hello.txt")));

        // A hard link entry works the same way.
        Pack(folder, temp.Combine("hard.tar"), (layerName, TarEntryType.HardLink, "store/layer.tar"));
        host.RunClean($"Import-OciImage '{temp.Combine("hard.tar")}' oci:{temp.Combine("hard")}");
        Assert.Equal("3", host.RunClean($"(Get-OciTag oci:{temp.Combine("hard")}).Tag").Single().ToString());

        // A link that leads out of the archive is refused, and nothing is read from where it points.
        Pack(folder, temp.Combine("escape.tar"), (layerName, TarEntryType.SymbolicLink, "../../../../../../etc/passwd"));
        var error = Assert.Single(host.Run($"Import-OciImage '{temp.Combine("escape.tar")}' oci:{temp.Combine("escape")}").Errors);
        Assert.Equal("InvalidArchive,OciImage.Commands.ImportOciImageCommand", error.FullyQualifiedErrorId);
    }

    [ToolFact("umoci", "skopeo")]
    public void NothingIsWrittenBesideTheArchive()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("media"));
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:amd", $"docker-archive:{temp.Combine("media", "app.tar")}:example/app:4");

        // The archive's folder stands for read-only media: watch it for anything created there.
        var created = new List<string>();
        using (var watcher = new FileSystemWatcher(temp.Combine("media")) { IncludeSubdirectories = true, EnableRaisingEvents = true })
        {
            watcher.Created += (_, e) => { lock (created) { created.Add(e.FullPath); } };
            using var host = new PowerShellHost();
            host.RunClean($"Import-OciImage '{temp.Combine("media", "app.tar")}' oci:{temp.Combine("site", "layout")}");
            System.Threading.Thread.Sleep(200);
        }

        Assert.Empty(created);
        Assert.Equal(new[] { "app.tar" }, Directory.GetFileSystemEntries(temp.Combine("media")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetDirectories(temp.Combine("site"), ".ociimage-archive-*"));
    }

    [ToolFact("umoci", "skopeo")]
    public void APartialMultiPlatformArchiveImportsWhatItHoldsAndNamesWhatItLacks()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:multi '{temp.Combine("multi.tar")}'");
        var folder = Extract(temp, "multi.tar");

        // As ctr images export leaves it: the whole index, but the arm64 image's manifest is not there.
        var arm = ReferenceImages.SkopeoDigest(_fixture.Layout, "arm");
        File.Delete(Path.Combine(folder, "blobs", "sha256", arm.Substring("sha256:".Length)));
        Pack(folder, temp.Combine("partial.tar"));

        var result = host.Run($"Import-OciImage '{temp.Combine("partial.tar")}' oci:{temp.Combine("imported")}");
        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Warnings, w => w.Contains("partial export", StringComparison.Ordinal));
        Assert.Contains("linux/arm64", warning);
        Assert.Equal(1, (int)host.RunClean($"@((Get-OciManifest oci:{temp.Combine("imported")}:multi).Manifests).Count").Single().BaseObject);
        host.RunClean($"Expand-OciImage oci:{temp.Combine("imported")}:multi '{temp.Combine("rootfs")}' -Platform linux/amd64");
        Assert.Equal("hello amd64\n", File.ReadAllText(temp.Combine("rootfs", "app", "hello.txt")));

        // Asking for the platform it lacks says so; copying from such a layout behaves the same.
        var missing = Assert.Single(host.Run($"Import-OciImage '{temp.Combine("partial.tar")}' oci:{temp.Combine("arm")} -Platform linux/arm64").Errors);
        Assert.Equal("PlatformNotFound,OciImage.Commands.ImportOciImageCommand", missing.FullyQualifiedErrorId);
        Assert.Contains("partial export", missing.Exception.Message);
        var copied = host.Run($"Copy-OciImage oci:{folder}:multi oci:{temp.Combine("copied")}");
        Assert.Empty(copied.Errors);
        Assert.Contains(copied.Warnings, w => w.Contains("linux/arm64", StringComparison.Ordinal));
    }

    [ToolFact("umoci", "skopeo")]
    public void AnExportedArchiveHoldsNoLockFileAndACopiedIndexIsOneEntry()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:multi '{temp.Combine("multi.tar")}'");
        using (var tar = new TarReader(File.OpenRead(temp.Combine("multi.tar"))))
        {
            var names = new List<string>();
            while (tar.GetNextEntry() is { } entry)
            {
                names.Add(entry.Name);
            }

            Assert.DoesNotContain(names, n => n.EndsWith(".lock", StringComparison.Ordinal));
            Assert.Contains("index.json", names);
        }

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Extract(temp, "multi.tar"), "index.json")))!;
        Assert.Single(index["manifests"]!.AsArray());

        // Copied into a layout, an index is one entry: oci:PATH alone then names it.
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:multi oci:{temp.Combine("dest")}");
        Assert.Single(JsonNode.Parse(File.ReadAllText(temp.Combine("dest", "index.json")))!["manifests"]!.AsArray());
        Assert.Equal(_fixture.IndexDigest, host.RunClean($"(Get-OciManifest oci:{temp.Combine("dest")}).Digest.ToString()").Single().ToString());
        ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{temp.Combine("dest")}:multi");
    }

    [ToolFact("umoci", "skopeo")]
    public void LayoutNamesMayBeWholeReferencesAsSkopeoAndPodmanWriteThem()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("named");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:amd", $"oci:{layout}:docker.io/library/app:1.0");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:arm", $"oci:{layout}:localhost/team/app@v2+build.7");
        var amd = ReferenceImages.SkopeoDigest(_fixture.Layout, "amd");

        using var host = new PowerShellHost();
        var names = host.RunClean($"(Get-OciTag oci:{layout}).Tag").Select(t => t.ToString()).ToList();
        Assert.Contains("docker.io/library/app:1.0", names);
        Assert.Contains("localhost/team/app@v2+build.7", names);
        Assert.Equal(amd, host.RunClean($"(Get-OciManifest 'oci:{layout}:docker.io/library/app:1.0').Digest.ToString()").Single().ToString());
        Assert.Equal(amd, host.RunClean($"(Get-OciManifest 'oci:{layout}@{amd}').Digest.ToString()").Single().ToString());

        // Written by us with such a name, read by skopeo.
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:amd 'oci:{temp.Combine("ours")}:quay.io/team/app:2.0'");
        Assert.Contains(amd, ExternalTool.Run("skopeo", "inspect", "--format", "{{.Digest}}", $"oci:{temp.Combine("ours")}:quay.io/team/app:2.0"));

        // A podman-style oci-archive names its image in full; imported into another layout it takes the tag.
        host.RunClean($"Export-OciImage 'oci:{layout}:docker.io/library/app:1.0' '{temp.Combine("podman.tar")}'");
        host.RunClean($"Import-OciImage '{temp.Combine("podman.tar")}' oci:{temp.Combine("imported")}");
        Assert.Equal("1.0", host.RunClean($"(Get-OciTag oci:{temp.Combine("imported")}).Tag").Single().ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void TwoEntriesWithOneNameResolveToTheFirst()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("dup");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:amd", $"oci:{layout}:first");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:arm", $"oci:{layout}:second");
        var path = Path.Combine(layout, "index.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"second\"", "\"first\""));

        using var host = new PowerShellHost();
        Assert.Equal(ReferenceImages.SkopeoDigest(_fixture.Layout, "amd"), host.RunClean($"(Get-OciManifest oci:{layout}:first).Digest.ToString()").Single().ToString());
        Assert.Equal(ReferenceImages.SkopeoDigest(_fixture.Layout, "amd"), host.RunClean($"(Get-OciTag oci:{layout}).Digest.ToString()").Single().ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void UnusedBlobsAreCollectedAndWhatIsReachedOrYoungStays()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("cache");
        using var host = new PowerShellHost();
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:multi oci:{layout}:multi");
        host.RunClean($"Copy-OciImage oci:{_fixture.Layout}:amd oci:{layout}:amd");
        var blobs = Path.Combine(layout, "blobs", "sha256");
        var before = Directory.GetFiles(blobs).Length;

        // A blob of nobody's, and a writer's temp file; both old.
        var orphan = ReferenceImages.WriteBlob(layout, System.Text.Encoding.UTF8.GetBytes("nobody's"));
        File.WriteAllText(Path.Combine(blobs, ".abc.tmp-123"), "half-written");
        foreach (var file in Directory.GetFiles(blobs))
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-2));
        }

        // -WhatIf lists and removes nothing; the default grace period keeps what is young.
        var whatIf = host.Run($"Remove-OciUnusedBlob oci:{layout} -WhatIf");
        Assert.Empty(whatIf.Errors);
        var wouldGo = Assert.Single(whatIf.Output);
        Assert.Equal(0, (int)wouldGo.Properties["BlobsRemoved"].Value);
        Assert.True((int)wouldGo.Properties["UnusedBlobs"].Value >= 1);
        Assert.True((long)wouldGo.Properties["UnusedBytes"].Value >= "nobody's".Length);
        Assert.True(File.Exists(Path.Combine(blobs, orphan.Substring(7))));

        // The index goes; its platform images stay reachable only through the amd tag (the arm one does not).
        host.RunClean($"Remove-OciTag oci:{layout}:multi");
        var report = host.RunClean($"Remove-OciUnusedBlob oci:{layout} -Confirm:$false").Single();
        var armManifest = ReferenceImages.SkopeoDigest(_fixture.Layout, "arm");
        Assert.False(File.Exists(Path.Combine(blobs, orphan.Substring(7))));
        Assert.False(File.Exists(Path.Combine(blobs, armManifest.Substring(7))));
        Assert.True(File.Exists(Path.Combine(blobs, ".abc.tmp-123")), "a writer's temp file was touched");
        Assert.True((int)report.Properties["BlobsRemoved"].Value >= 3);
        Assert.True(before + 1 - (int)report.Properties["BlobsRemoved"].Value == Directory.GetFiles(blobs).Count(f => !Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal)));
        Assert.Empty(host.RunClean($"Test-OciImage oci:{layout}:amd -Deep").Where(r => !(bool)r.Properties["IsValid"].Value));

        // A blob younger than the grace period stays even when nothing names it.
        var young = ReferenceImages.WriteBlob(layout, System.Text.Encoding.UTF8.GetBytes("just written"));
        host.RunClean($"Remove-OciUnusedBlob oci:{layout} -Confirm:$false");
        Assert.True(File.Exists(Path.Combine(blobs, young.Substring(7))));
    }

    [ToolFact("umoci", "skopeo")]
    public void LayerItemModesArePermissionBitsWhoeverWroteTheTar()
    {
        using var host = new PowerShellHost();

        // umoci is a Go tool: its tar headers carry the file-type bits too (040755 for a directory).
        var modes = host.RunClean($"Get-OciLayerItem oci:{_fixture.Layout}:amd | ForEach-Object {{ '{{0}} {{1}}' -f $_.Type, $_.Mode }}").Select(o => o.ToString()!).ToList();
        Assert.NotEmpty(modes);
        Assert.All(modes, m => Assert.True(int.Parse(m.Split(' ')[1]) <= 0xFFF, m));
        Assert.Contains(modes, m => m.StartsWith("Directory", StringComparison.Ordinal) && m.EndsWith(" 493", StringComparison.Ordinal));
    }

    /// <summary>A docker-save archive of two images (the fixture's amd and arm) with the given RepoTags.</summary>
    private string TwoImageDockerArchive(TempDirectory temp, string firstTag, string secondTag)
    {
        using var host = new PowerShellHost();
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:amd '{temp.Combine("a.tar")}' -Format docker -RepoTag {firstTag}");
        host.RunClean($"Export-OciImage oci:{_fixture.Layout}:arm '{temp.Combine("b.tar")}' -Format docker -RepoTag {secondTag}");
        var a = Extract(temp, "a.tar");
        var b = Extract(temp, "b.tar");
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(a, "manifest.json")))!.AsArray();
        manifest.Add(JsonNode.Parse(File.ReadAllText(Path.Combine(b, "manifest.json")))!.AsArray()[0]!.DeepClone());
        foreach (var entry in Directory.EnumerateFileSystemEntries(b).Where(e => Path.GetFileName(e) != "manifest.json"))
        {
            var to = Path.Combine(a, Path.GetFileName(entry));
            if (Directory.Exists(entry) && !Directory.Exists(to))
            {
                Directory.Move(entry, to);
            }
            else if (File.Exists(entry) && !File.Exists(to))
            {
                File.Move(entry, to);
            }
        }

        File.WriteAllText(Path.Combine(a, "manifest.json"), manifest.ToJsonString());
        Pack(a, temp.Combine("two.tar"));
        return temp.Combine("two.tar");
    }

    private static string Extract(TempDirectory temp, string archive)
    {
        var folder = temp.Combine(archive + ".d");
        Directory.CreateDirectory(folder);
        TarFile.ExtractToDirectory(temp.Combine(archive), folder, overwriteFiles: true);
        return folder;
    }

    /// <summary>Packs a folder as a tar; entries named in <paramref name="links"/> are written as links instead of their files.</summary>
    private static void Pack(string folder, string tarPath, params (string Name, TarEntryType Type, string Target)[] links)
    {
        using var file = File.Create(tarPath);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(folder, path).Replace('\\', '/');
            if (links.Any(l => l.Name == name))
            {
                continue;
            }

            writer.WriteEntry(path, name);
        }

        foreach (var (name, type, target) in links)
        {
            writer.WriteEntry(new PaxTarEntry(type, name) { LinkName = target });
        }
    }
}
