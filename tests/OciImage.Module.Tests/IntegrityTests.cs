using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Nothing broken is written or tagged: layers are labelled by what their bytes are, DiffIDs are checked where
/// layers enter a store, Test-OciImage sees mislabels, wrong DiffIDs and wrong sizes, and a copy whose
/// descriptor disagrees with the blob the destination holds ends in DigestMismatch with the tag unmoved.
/// </summary>
public sealed class IntegrityTests : IClassFixture<LayoutFixture>
{
    private readonly LayoutFixture _fixture;

    public IntegrityTests(LayoutFixture fixture) => _fixture = fixture;

    [ToolFact("umoci", "skopeo")]
    public void ADockerArchiveWithCompressedLayerFilesIsImportedAsWhatItsBytesAre()
    {
        using var temp = new TempDirectory();
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:amd", $"docker-archive:{temp.Combine("saved.tar")}:example/saved:7");

        // As Docker 25+ and other tools write it: layer files that are gzip streams, named by their digest.
        var compressed = RewriteLayers(temp, "saved.tar", "gzipped.tar", Gzip);
        using var host = new PowerShellHost();
        host.RunClean($"Import-OciImage '{temp.Combine("gzipped.tar")}' oci:{temp.Combine("imported")}");
        var layers = host.RunClean($"Get-OciLayer oci:{temp.Combine("imported")}:7");
        Assert.Equal(compressed.Count, layers.Count);
        foreach (var layer in layers)
        {
            Assert.Equal(MediaTypes.OciLayerGzip, layer.Properties["MediaType"].Value.ToString());
            Assert.Contains(layer.Properties["Digest"].Value.ToString(), compressed);
            Assert.NotEqual(layer.Properties["DiffId"].Value.ToString(), layer.Properties["Digest"].Value.ToString());
        }

        var check = host.RunClean($"Test-OciImage oci:{temp.Combine("imported")}:7 -Deep").Single();
        Assert.True((bool)check.Properties["IsValid"].Value, check.ToString());

        // The referee: umoci unpacks it (it fails on gzip bytes labelled as a plain tar).
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{temp.Combine("imported")}:7", temp.Combine("bundle"));
        Assert.Equal("hello amd64\n", File.ReadAllText(temp.Combine("bundle", "rootfs", "app", "hello.txt")));
    }

    [ToolFact("umoci", "skopeo")]
    public void ADockerArchiveLayerWhoseDiffIdIsWrongIsRefusedAndNothingIsTagged()
    {
        using var temp = new TempDirectory();
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_fixture.Layout}:amd", $"docker-archive:{temp.Combine("saved.tar")}:example/saved:7");

        // Another valid tar, gzip-compressed, under the layer's name: its DiffID is not the config's.
        RewriteLayers(temp, "saved.tar", "swapped.tar", tar => Gzip(OtherTar()));
        using var host = new PowerShellHost();
        var result = host.Run($"Import-OciImage '{temp.Combine("swapped.tar")}' oci:{temp.Combine("dest")}");
        var error = Assert.Single(result.Errors);
        Assert.Equal("DigestMismatch,OciImage.Commands.ImportOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains("DiffID", error.Exception.Message);
        Assert.False(File.Exists(temp.Combine("dest", "index.json")) && File.ReadAllText(temp.Combine("dest", "index.json")).Contains("\"7\""), "a tag was written");
        Assert.Empty(Directory.GetDirectories(temp.Path, ".ociimage-archive-*"));

        // A gzip layer file cut short decompresses to fewer bytes than the DiffID was taken over: refused, no tag.
        RewriteLayers(temp, "saved.tar", "truncated.tar", tar => Gzip(tar)[..^64]);
        var cut = Assert.Single(host.Run($"Import-OciImage '{temp.Combine("truncated.tar")}' oci:{temp.Combine("dest")}").Errors);
        Assert.Equal("DigestMismatch,OciImage.Commands.ImportOciImageCommand", cut.FullyQualifiedErrorId);

        // A layer file whose gzip data is damaged (a bad block type in the first deflate header): InvalidLayer.
        RewriteLayers(temp, "saved.tar", "damaged.tar", tar =>
        {
            var gz = Gzip(tar);
            gz[10] |= 0x06;
            return gz;
        });
        var damaged = Assert.Single(host.Run($"Import-OciImage '{temp.Combine("damaged.tar")}' oci:{temp.Combine("dest")}").Errors);
        Assert.Equal("InvalidLayer,OciImage.Commands.ImportOciImageCommand", damaged.FullyQualifiedErrorId);
        Assert.False(File.Exists(temp.Combine("dest", "index.json")) && File.ReadAllText(temp.Combine("dest", "index.json")).Contains("\"7\""), "a tag was written");
    }

    [Fact]
    public void TestOciImageSeesMislabelledLayersWrongDiffIdsAndWrongSizes()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var tar = OtherTar();
        var gz = Gzip(tar);

        // gzip bytes labelled as a plain tar, with the right DiffID: only the label is wrong.
        var mislabelled = AddBlob(layout, gz);
        TestImages.Compose(layout, "mislabelled", new[] { new TestImages.Layer(mislabelled.ToString(), Digest.Compute(tar).ToString(), gz.Length, MediaTypes.OciLayer) });

        // A gzip layer, correctly labelled, whose config DiffID is another's.
        TestImages.Compose(layout, "diffid", new[] { new TestImages.Layer(mislabelled.ToString(), Digest.Compute(gz).ToString(), gz.Length, MediaTypes.OciLayerGzip) });

        // A descriptor one byte longer than its blob.
        TestImages.Compose(layout, "size", new[] { new TestImages.Layer(mislabelled.ToString(), Digest.Compute(tar).ToString(), gz.Length + 1, MediaTypes.OciLayerGzip) });

        // The sound one, for contrast.
        TestImages.Compose(layout, "sound", new[] { new TestImages.Layer(mislabelled.ToString(), Digest.Compute(tar).ToString(), gz.Length, MediaTypes.OciLayerGzip) });

        using var host = new PowerShellHost();
        string Problems(string tag) => string.Join("\n", (string[])host.RunClean($"Test-OciImage oci:{layout}:{tag} -Deep").Single().Properties["Problems"].Value);
        Assert.Contains("is labelled application/vnd.oci.image.layer.v1.tar (uncompressed), but its bytes are gzip", Problems("mislabelled"));
        Assert.Contains("but the config says its DiffID is", Problems("diffid"));
        Assert.Contains($"{gz.Length} bytes instead of {gz.Length + 1}", Problems("size"));
        Assert.Equal(string.Empty, Problems("sound"));
        Assert.False((bool)host.RunClean($"Test-OciImage oci:{layout}:mislabelled -Quiet").Single().BaseObject, "the label is checked without -Deep too");
    }

    [Fact]
    public void ALayerAddedByDigestAloneIsLabelledByItsBytes()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var tar = OtherTar();
        var gzip = AddBlob(layout, Gzip(tar));
        var plain = AddBlob(layout, tar);

        // Digests alone: the media type comes from the magic bytes, the DiffID from the uncompressed bytes.
        using var host = new PowerShellHost();
        host.RunClean($"$null = New-OciImage -Layout '{layout}' -Tag bydigest -Layer '{gzip}','{plain}'");
        var layers = host.RunClean($"Get-OciLayer oci:{layout}:bydigest");
        Assert.Equal(new[] { gzip.ToString(), plain.ToString() }, layers.Select(l => l.Properties["Digest"].Value.ToString()));
        Assert.Equal(new[] { MediaTypes.OciLayerGzip, MediaTypes.OciLayer }, layers.Select(l => l.Properties["MediaType"].Value.ToString()));
        Assert.Equal(new[] { plain.ToString(), plain.ToString() }, layers.Select(l => l.Properties["DiffId"].Value.ToString()));
        Assert.Equal(string.Empty, string.Join("\n", (string[])host.RunClean($"Test-OciImage oci:{layout}:bydigest -Deep").Single().Properties["Problems"].Value));
    }

    [ToolFact("docker-registry")]
    public void ACopyOntoABlobOfAnotherSizeIsDigestMismatchAndTheTagStays()
    {
        using var registry = new RegistryServer();
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var tar = OtherTar();
        var layer = AddBlob(layout, tar);
        TestImages.Compose(layout, "sound", new[] { new TestImages.Layer(layer.ToString(), layer.ToString(), tar.Length, MediaTypes.OciLayer) });

        // The same image, but its layer descriptor claims one byte more (manifest rewritten, not its blobs).
        using (var store = OciLayoutStore.Open(layout))
        {
            var sound = (ImageManifest)store.GetManifestAsync(Reference.ForLayout(layout, "sound"), default).GetAwaiter().GetResult();
            var liar = ManifestParser.Create(new ImageManifest
            {
                SchemaVersion = 2,
                DeclaredMediaType = MediaTypes.OciManifest,
                Config = sound.Config,
                Layers = new[] { new Descriptor { MediaType = MediaTypes.OciLayer, Digest = layer, Size = tar.Length + 1 } },
            });
            store.PutManifestAsync(liar, "liar", default).GetAwaiter().GetResult();
        }

        using var host = new PowerShellHost();
        var destination = $"{registry.Host}/team/app";
        host.RunClean($"Copy-OciImage oci:{layout}:sound {destination}:stable");
        var before = host.RunClean($"(Get-OciDigest {destination}:stable).Digest.ToString()").Single().ToString();

        // The registry holds the layer (right bytes, its true size); the descriptor disagrees with it.
        var result = host.Run($"Copy-OciImage oci:{layout}:liar {destination}:stable");
        var error = Assert.Single(result.Errors);
        Assert.Equal("DigestMismatch,OciImage.Commands.CopyOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Equal(before, host.RunClean($"(Get-OciDigest {destination}:stable).Digest.ToString()").Single().ToString());
    }

    [Fact]
    public void Bzip2LayersAreReadAndXzLayersAreRefusedByName()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var tar = OtherTar();
        var bz = Bzip2(tar);
        var bzDigest = AddBlob(layout, bz);
        TestImages.Compose(layout, "bz", new[] { new TestImages.Layer(bzDigest.ToString(), Digest.Compute(tar).ToString(), bz.Length, "application/vnd.docker.image.rootfs.diff.tar") });

        // An xz stream header: the magic alone tells what it is.
        var xz = new byte[] { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46 };
        var xzDigest = AddBlob(layout, xz);
        TestImages.Compose(layout, "xz", new[] { new TestImages.Layer(xzDigest.ToString(), Digest.Compute(tar).ToString(), xz.Length, MediaTypes.OciLayer) });

        using var host = new PowerShellHost();
        var items = host.RunClean($"Get-OciLayerItem oci:{layout}:bz").Select(i => i.Properties["Path"].Value.ToString()).ToList();
        Assert.Contains(items, p => p!.Contains("other.txt", StringComparison.Ordinal));

        var error = Assert.Single(host.Run($"Get-OciLayerItem oci:{layout}:xz").Errors);
        Assert.Equal("UnsupportedMediaType,OciImage.Commands.GetOciLayerItemCommand", error.FullyQualifiedErrorId);
        Assert.Contains("xz-compressed", error.Exception.Message);
    }

    private static Digest AddBlob(string layout, byte[] bytes)
    {
        using var store = OciLayoutStore.OpenOrCreate(layout);
        var digest = Digest.Compute(bytes);
        store.PutBlobAsync(new Descriptor { MediaType = "application/octet-stream", Digest = digest, Size = bytes.Length }, new MemoryStream(bytes), null, default).GetAwaiter().GetResult();
        return digest;
    }

    /// <summary>A small valid tar with one file, unlike the fixture's layers.</summary>
    private static byte[] OtherTar()
    {
        using var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "app/other.txt") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes("other\n")) };
            writer.WriteEntry(entry);
        }

        return output.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data, 0, data.Length);
        }

        return output.ToArray();
    }

    private static byte[] Bzip2(byte[] data)
    {
        using var output = new MemoryStream();
        using (var bzip = new ICSharpCode.SharpZipLib.BZip2.BZip2OutputStream(output) { IsStreamOwner = false })
        {
            bzip.Write(data, 0, data.Length);
        }

        return output.ToArray();
    }

    /// <summary>
    /// Unpacks a docker-save tar, replaces every layer file by <paramref name="transform"/> of it stored as
    /// blobs/sha256/HEX (as Docker 25+ names them), rewrites manifest.json and packs it again. Returns the new layer digests.
    /// </summary>
    private static List<string> RewriteLayers(TempDirectory temp, string from, string to, Func<byte[], byte[]> transform)
    {
        var folder = temp.Combine(to + ".d");
        Directory.CreateDirectory(folder);
        TarFile.ExtractToDirectory(temp.Combine(from), folder, overwriteFiles: true);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")))!.AsArray();
        var layers = manifest[0]!["Layers"]!.AsArray();
        var digests = new List<string>();
        for (var i = 0; i < layers.Count; i++)
        {
            var path = Path.Combine(folder, layers[i]!.GetValue<string>());
            var bytes = transform(File.ReadAllBytes(path));
            File.Delete(path);
            var hex = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            Directory.CreateDirectory(Path.Combine(folder, "blobs", "sha256"));
            File.WriteAllBytes(Path.Combine(folder, "blobs", "sha256", hex), bytes);
            layers[i] = "blobs/sha256/" + hex;
            digests.Add("sha256:" + hex);
        }

        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest.ToJsonString());
        TarFile.CreateFromDirectory(folder, temp.Combine(to), includeBaseDirectory: false);
        return digests;
    }
}
