using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// A layer or config whose bytes were altered (same size, one byte changed), fed to every cmdlet that reads
/// blobs, from a layout and from a registry: each ends in DigestMismatch and leaves nothing behind (no expanded
/// tree, no archive, no tag, no blob, no temp file). A layout's manifest altered the same way (same size, still
/// a valid manifest of the same image) is refused too: only its digest can tell. (A registry's manifest read by
/// tag is checked against Docker-Content-Digest: RegistryClientTests.ALyingDockerContentDigestIsRefused.)
/// </summary>
public sealed class TamperedContentTests
{
    private static readonly string[] Readers = { "Expand-OciImage", "Get-OciLayerItem", "Export-OciImage", "Copy-OciImage to a layout", "Copy-OciImage to a registry" };

    public static IEnumerable<object[]> Cases() =>
        (from reader in Readers
         from source in new[] { "layout", "registry" }
         from blob in new[] { "layer", "config" }
         select new object[] { reader, source, blob })
        .Concat(from reader in Readers select new object[] { reader, "layout", "manifest" });

    [Theory]
    [MemberData(nameof(Cases))]
    public void ATamperedBlobIsDigestMismatchAndLeavesNothing(string reader, string source, string blob)
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("source");
        var content = new string('x', 3000) + "the middle" + new string('y', 3000);
        var layer = TestImages.AddTarLayer(layout, new HostileTar().File("app/data.txt", content).ToArray());
        TestImages.Compose(layout, "app", new[] { layer });
        var manifestDigest = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json"))).RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString()!;
        var manifestBytes = File.ReadAllBytes(BlobPath(layout, manifestDigest));
        var configDigest = JsonDocument.Parse(manifestBytes).RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        var target = blob switch { "layer" => layer.Digest, "config" => configDigest, _ => manifestDigest };
        var tampered = File.ReadAllBytes(BlobPath(layout, target));
        if (blob == "manifest")
        {
            tampered = MovedSchemaVersion(tampered);
        }
        else
        {
            var at = blob == "layer" ? Array.IndexOf(tampered, (byte)'m') : Encoding.UTF8.GetString(tampered).IndexOf("amd64", StringComparison.Ordinal) + 4;
            tampered[at] = (byte)(tampered[at] == (byte)'4' ? '5' : 'M'); // a valid config still (amd65), a layer with other text
        }

        using var registry = new FakeRegistry();
        using var destinationRegistry = new FakeRegistry();
        string reference;
        if (source == "layout")
        {
            File.WriteAllBytes(BlobPath(layout, target), tampered);
            reference = $"oci:{layout}:app";
        }
        else
        {
            registry.AddBlob("team/app", File.ReadAllBytes(BlobPath(layout, layer.Digest)));
            registry.AddBlob("team/app", File.ReadAllBytes(BlobPath(layout, configDigest)));
            registry.AddManifest("team/app", "app", manifestBytes, "application/vnd.oci.image.manifest.v1+json");
            registry.ReplaceBlob(target, tampered);
            reference = $"{registry.Host}/team/app:app";
        }

        var output = temp.Combine("out");
        Directory.CreateDirectory(output);
        var (script, cmdlet) = reader switch
        {
            "Expand-OciImage" => ($"Expand-OciImage {reference} '{Path.Combine(output, "rootfs")}'", "ExpandOciImageCommand"),
            "Get-OciLayerItem" => ($"Get-OciLayerItem {reference}", "GetOciLayerItemCommand"),
            "Export-OciImage" => ($"Export-OciImage {reference} '{Path.Combine(output, "image.tar")}'", "ExportOciImageCommand"),
            "Copy-OciImage to a layout" => ($"Copy-OciImage {reference} oci:{Path.Combine(output, "layout")}:copied", "CopyOciImageCommand"),
            _ => ($"Copy-OciImage {reference} {destinationRegistry.Host}/copied/app:copied", "CopyOciImageCommand"),
        };

        using var host = new PowerShellHost();
        var result = host.Run(script + " -MaximumRetryCount 0");
        if (blob == "config" && reader is "Get-OciLayerItem")
        {
            // Listing layer entries never reads the config (it is not used, so not checked): the layers are sound and read.
            // Expand-OciImage opens the image whole (manifest and config), so a tampered config stops it below.
            Assert.Empty(result.Errors);
            Assert.DoesNotContain(registry.Log, l => l.Contains(configDigest, StringComparison.Ordinal));
            return;
        }

        var error = Assert.Single(result.Errors);
        Assert.Equal($"DigestMismatch,OciImage.Commands.{cmdlet}", error.FullyQualifiedErrorId);
        Assert.Contains(target, error.ToString());

        // Nothing behind: no output object, no file in the output folder but an empty layout, no tag or blob pushed.
        Assert.Empty(result.Output);
        var left = Directory.GetFileSystemEntries(output, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(output, p)).Order().ToList();
        var emptyLayout = new[] { "layout", Path.Combine("layout", "blobs"), Path.Combine("layout", "blobs", "sha256"), Path.Combine("layout", "index.json"), Path.Combine("layout", "index.json.lock"), Path.Combine("layout", "oci-layout") };
        var soundBlobs = new[] { layer.Digest, configDigest }.Where(d => d != target).Select(d => Path.Combine("layout", "blobs", "sha256", d.Substring(7)));
        Assert.All(left, p => Assert.Contains(p, emptyLayout.Concat(soundBlobs))); // a sound blob copied before stays (verified, for the next copy)
        if (Directory.Exists(Path.Combine(output, "layout")))
        {
            Assert.DoesNotContain("copied", File.ReadAllText(Path.Combine(output, "layout", "index.json")));
        }

        Assert.False(destinationRegistry.HasTag("copied/app", "copied"));
        Assert.False(destinationRegistry.HasBlob("copied/app", target));
        Assert.Empty(Directory.GetFiles(layout, "*.tmp-*", SearchOption.AllDirectories));
        Assert.Equal(new[] { "out", "source" }, Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName).Order());
    }

    /// <summary>The same manifest with schemaVersion moved to the end: as long, as valid, the same image, other bytes.</summary>
    private static byte[] MovedSchemaVersion(byte[] manifest)
    {
        const string first = "{\"schemaVersion\":2,";
        var text = Encoding.UTF8.GetString(manifest);
        Assert.StartsWith(first, text);
        Assert.EndsWith("}", text);
        var moved = "{" + text.Substring(first.Length, text.Length - first.Length - 1) + ",\"schemaVersion\":2}";
        Assert.Equal(manifest.Length, Encoding.UTF8.GetByteCount(moved));
        return Encoding.UTF8.GetBytes(moved);
    }

    private static string BlobPath(string layout, string digest) => Path.Combine(layout, "blobs", "sha256", digest.Substring(7));
}
