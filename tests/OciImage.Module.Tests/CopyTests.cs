using System;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Copy-OciImage between real registries and layouts; skopeo is the referee.</summary>
public sealed class CopyTests : IClassFixture<RegistryImages>
{
    private readonly RegistryImages _images;

    public CopyTests(RegistryImages images) => _images = images;

    private string Plain => _images.Registries[RegistryAuth.None].Host;

    private string Basic => _images.Registries[RegistryAuth.Basic].Host;

    private static string BasicCredential(string parameter = "-DestinationCredential") =>
        $"{parameter} ([pscredential]::new('{RegistryServer.User}', [System.Net.NetworkCredential]::new('', '{RegistryServer.Password}').SecurePassword))";

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void EveryDirectionKeepsTheDigest()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var multi = ReferenceImages.SkopeoDigest(_images.Layout, "multi");

        // registry -> other registry (with auth on the destination), the whole index.
        var result = host.RunClean($"Copy-OciImage {Plain}/team/app:multi {Basic}/copied/app {BasicCredential()}").Single();
        Assert.Equal(multi, result.Properties["Digest"].Value.ToString());
        Assert.True((bool)result.Properties["SameDigest"].Value);
        Assert.Equal(new[] { "linux/amd64", "linux/arm64/v8" }, (string[])result.Properties["Platforms"].Value);
        var inspected = ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", "--raw", "--creds", $"{RegistryServer.User}:{RegistryServer.Password}", $"docker://{Basic}/copied/app:multi");
        Assert.Equal(multi, "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(inspected))).ToLowerInvariant());
        Assert.Contains("\"Architecture\": \"arm64\"", ExternalTool.Run("skopeo", "--override-arch", "arm64", "inspect", "--tls-verify=false", "--creds", $"{RegistryServer.User}:{RegistryServer.Password}", $"docker://{Basic}/copied/app:multi"));

        // registry -> layout -> layout -> registry.
        host.RunClean($"Copy-OciImage {Plain}/team/app:multi oci:{temp.Combine("pulled")}");
        Assert.Equal(multi, ReferenceImages.SkopeoDigest(temp.Combine("pulled"), "multi"));
        host.RunClean($"Copy-OciImage oci:{temp.Combine("pulled")}:multi oci:{temp.Combine("again")}:renamed");
        Assert.Equal(multi, ReferenceImages.SkopeoDigest(temp.Combine("again"), "renamed"));
        host.RunClean($"Copy-OciImage oci:{temp.Combine("again")}:renamed {Plain}/roundtrip/app:back");
        Assert.Equal(multi, host.RunClean($"(Get-OciDigest {Plain}/roundtrip/app:back).Digest.ToString()").Single().ToString());

        // What skopeo copied, we copy on; what we copied, skopeo copies on.
        ExternalTool.Run("skopeo", "copy", "--quiet", "--all", "--src-tls-verify=false", $"docker://{Plain}/roundtrip/app:back", $"oci:{temp.Combine("skopeo")}:x");
        Assert.Equal(multi, ReferenceImages.SkopeoDigest(temp.Combine("skopeo"), "x"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void ACompleteImageIsNotCopiedAgainAndRepositoriesOfOneRegistryMount()
    {
        using var host = new PowerShellHost();
        var first = host.RunClean($"Copy-OciImage {Plain}/team/app:v1 {Plain}/mounted/app").Single();
        Assert.True((int)first.Properties["BlobsMounted"].Value >= 2, "config and layer should have been mounted");
        Assert.Equal(0, (int)first.Properties["BlobsCopied"].Value);

        // Through a proxy that counts: the second copy only asks about the manifest.
        using var proxy = new FaultProxy(Plain);
        var again = host.RunClean($"Copy-OciImage {Plain}/team/app:v1 {proxy.Host}/mounted/app").Single();
        Assert.Equal(0, (int)again.Properties["BlobsCopied"].Value + (int)again.Properties["BlobsMounted"].Value);
        Assert.Equal(2, proxy.Requests);
        Assert.All(proxy.Log, l => Assert.StartsWith("HEAD /v2/mounted/app/manifests/", l));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void PlatformFiltersWriteValidIndexesAndWarn()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var filtered = host.Run($"Copy-OciImage {Plain}/team/app:multi oci:{temp.Combine("arm")}:arm -Platform linux/arm64");
        Assert.Empty(filtered.Errors);
        Assert.Contains(filtered.Warnings, w => w.Contains("digest will differ"));
        var raw = System.Text.Json.JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{temp.Combine("arm")}:arm")).RootElement;
        Assert.Equal(1, raw.GetProperty("manifests").GetArrayLength());

        var single = host.RunClean($"Copy-OciImage {Plain}/team/app:multi {Plain}/single/app:arm -Platform linux/arm64 -Single").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(_images.Layout, "v2"), single.Properties["Digest"].Value.ToString());

        var refused = Assert.Single(host.Run($"Copy-OciImage {Plain}/team/app:multi {Plain}/single/app:strict -Platform linux/arm64 -RequireSameDigest").Errors);
        Assert.Equal("DigestWouldChange,OciImage.Commands.CopyOciImageCommand", refused.FullyQualifiedErrorId);
        var missing = Assert.Single(host.Run($"Copy-OciImage {Plain}/team/app:multi {Plain}/single/app:s390x -Platform linux/s390x").Errors);
        Assert.Equal("PlatformNotFound,OciImage.Commands.CopyOciImageCommand", missing.FullyQualifiedErrorId);
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void TagsPipeIntoCopyAndAllTagsCopiesThemAll()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var results = host.RunClean($"Get-OciTag {Plain}/team/app | Copy-OciImage -Destination oci:{temp.Combine("mirror")}");
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal("OciImage.OciCopyResult", r.BaseObject.GetType().FullName));
        Assert.Equal(new[] { "multi", "v1", "v2" }, host.RunClean($"Get-OciTag oci:{temp.Combine("mirror")}").Select(t => t.Properties["Tag"].Value.ToString()).OrderBy(t => t));

        var all = host.RunClean($"Copy-OciImage oci:{temp.Combine("mirror")} {Plain}/alltags/app -AllTags");
        Assert.Equal(3, all.Count);

        host.RunClean($"Copy-OciImage {Plain}/team/app:v1 oci:{temp.Combine("whatif")}:v1 -WhatIf");
        Assert.False(Directory.Exists(temp.Combine("whatif")));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void FaultsAreRetriedAndCorruptBlobsTagNothing()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();

        // The source registry answers 503 to the first blob requests: retried transparently.
        using var flaky = new FaultProxy(Plain);
        flaky.FailNext(2, 503, "/blobs/");
        var ok = host.RunClean($"Copy-OciImage {flaky.Host}/team/app:v2 oci:{temp.Combine("ok")}:v2 -RetryIntervalSec 0.01").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(_images.Layout, "v2"), ok.Properties["Digest"].Value.ToString());

        // The destination fails the first blob upload half way: the upload starts again and the copy completes.
        using var failing = new FaultProxy(Plain);
        failing.FailNext(1, 503, "digest=");
        var pushed = host.RunClean($"Copy-OciImage oci:{_images.Layout}:v1 {failing.Host}/restarted/app:v1 -RetryIntervalSec 0.01").Single();
        Assert.Equal(ReferenceImages.SkopeoDigest(_images.Layout, "v1"), pushed.Properties["Digest"].Value.ToString());
        Assert.True(failing.Log.Count(l => l.StartsWith("POST /v2/restarted/app/blobs/uploads")) >= 3, string.Join("\n", failing.Log));

        // -MaximumRetryCount 0 is exactly one attempt: the restart is a retry too, so the copy fails cleanly.
        using var once = new FaultProxy(Plain);
        once.FailNext(1, 503, "digest=");
        var refused = Assert.Single(host.Run($"Copy-OciImage oci:{_images.Layout}:v1 {once.Host}/once/app:v1 -MaximumRetryCount 0").Errors);
        Assert.Equal("RegistryError,OciImage.Commands.CopyOciImageCommand", refused.FullyQualifiedErrorId);
        var uploads = ReferenceImages.SkopeoLayers(_images.Layout, "v1").Count() + 1;
        Assert.Equal(uploads, once.Log.Count(l => l.StartsWith("POST /v2/once/app/blobs/uploads", StringComparison.Ordinal)));

        // A layer whose bytes were altered in the source layout: the copy fails and the tag is not written.
        var source = temp.Combine("source");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_images.Layout}:v1", $"oci:{source}:v1");
        var layer = ReferenceImages.SkopeoLayers(source, "v1").Single();
        var blob = Path.Combine(source, "blobs", "sha256", layer.Substring(7));
        var bytes = File.ReadAllBytes(blob);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(blob, bytes);
        var error = Assert.Single(host.Run($"Copy-OciImage oci:{source}:v1 {Plain}/corrupt/app:v1").Errors);
        Assert.Equal("DigestMismatch,OciImage.Commands.CopyOciImageCommand", error.FullyQualifiedErrorId);
        Assert.NotEqual(0, ExternalTool.TryRun("skopeo", "inspect", "--tls-verify=false", $"docker://{Plain}/corrupt/app:v1").ExitCode);
        var layoutError = Assert.Single(host.Run($"Copy-OciImage oci:{source}:v1 oci:{temp.Combine("dest")}:v1").Errors);
        Assert.Equal("DigestMismatch,OciImage.Commands.CopyOciImageCommand", layoutError.FullyQualifiedErrorId);
        Assert.False(File.Exists(Path.Combine(temp.Combine("dest"), "blobs", "sha256", layer.Substring(7))));
        Assert.Empty(host.RunClean($"Get-OciTag oci:{temp.Combine("dest")}"));

        var unreachable = Assert.Single(host.Run($"Copy-OciImage {Plain}/team/app:v1 127.0.0.1:1/x/y:z -MaximumRetryCount 0").Errors);
        Assert.Equal("RegistryUnreachable,OciImage.Commands.CopyOciImageCommand", unreachable.FullyQualifiedErrorId);
        var wrong = Assert.Single(host.Run($"Copy-OciImage {Plain}/team/app:v1 {Basic}/x/y:z -DestinationCredential ([pscredential]::new('{RegistryServer.User}', [System.Net.NetworkCredential]::new('', 'nope').SecurePassword))").Errors);
        Assert.Equal("Unauthorized,OciImage.Commands.CopyOciImageCommand", wrong.FullyQualifiedErrorId);
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void ReferrersCanComeAlong()
    {
        using var temp = new TempDirectory();
        var sbom = temp.Combine("sbom.json");
        File.WriteAllText(sbom, "{}");
        using var host = new PowerShellHost();
        host.RunClean($"Copy-OciImage {Plain}/team/app:v1 {Plain}/withref/app:v1");
        host.RunClean($"New-OciImage {Plain}/withref/app:sbom -ArtifactType application/spdx+json -Subject {Plain}/withref/app:v1 -File '{sbom}'");
        var result = host.RunClean($"Copy-OciImage {Plain}/withref/app:v1 oci:{temp.Combine("out")}:v1 -IncludeReferrers").Single();
        Assert.Equal(1, (int)result.Properties["ReferrersCopied"].Value);
        Assert.Equal("application/spdx+json", host.RunClean($"(Get-OciReferrer oci:{temp.Combine("out")}:v1).ArtifactType").Single().ToString());
    }
}
