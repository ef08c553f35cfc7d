using System;
using System.Linq;
using System.Text;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// The cmdlets against what Docker Hub, GHCR, ECR, ACR and Quay do that the CNCF registry cannot be made to do
/// (a fake registry): each case works or ends in one ErrorRecord with a fitting ErrorId, and no secret.
/// </summary>
public sealed class RegistryBehaviourTests
{
    [Fact]
    public void ConnectingToAServerThatIsNotARegistryIsNotARegistry()
    {
        using var fake = new FakeRegistry { PingStatus = 404 };
        using var host = new PowerShellHost();
        var error = Assert.Single(host.Run($"Connect-OciRegistry {fake.Host}").Errors);
        Assert.Equal("NotARegistry,OciImage.Commands.ConnectOciRegistryCommand", error.FullyQualifiedErrorId);
        Assert.Equal("InvalidArgument", error.CategoryInfo.Category.ToString());
        Assert.Contains("-SkipCheck", error.ToString());

        // -SkipCheck keeps the settings without asking.
        Assert.Empty(host.Run($"Connect-OciRegistry {fake.Host} -SkipCheck").Errors);
    }

    [Fact]
    public void ASignedInUserWithoutPushIsAccessDeniedAndNoSecretIsShown()
    {
        using var fake = new FakeRegistry { TokenLifetime = 300 };
        fake.AddUser("dev", "dev-Secret-99", "team/mine");
        fake.AddImage("team/app", "v1", 2000);
        using var host = new PowerShellHost();
        var result = host.Run($"$c = [pscredential]::new('dev', [System.Net.NetworkCredential]::new('', 'dev-Secret-99').SecurePassword); "
            + $"Copy-OciImage {fake.Host}/team/app:v1 {fake.Host}/team/theirs:v1 -Credential $c -Verbose");
        var error = Assert.Single(result.Errors);
        Assert.Equal("AccessDenied,OciImage.Commands.CopyOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Equal("PermissionDenied", error.CategoryInfo.Category.ToString());
        var text = result.AllText + error.Exception;
        Assert.DoesNotContain("dev-Secret-99", text);
        Assert.DoesNotContain("fake-", text);
    }

    [Fact]
    public void AnArmV7RequestTakesTheArmV6ImageOfAnIndexWithoutV7()
    {
        using var fake = new FakeRegistry();
        fake.AddImage("team/app", "v6", 1000, seed: 6);
        fake.AddImage("team/app", "v5", 1000, seed: 5);
        string Entry(string tag, string variant) =>
            $"{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{fake.DigestOf("team/app", tag)}\",\"size\":{Size(fake, tag)},\"platform\":{{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"{variant}\"}}}}";
        var index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[" + Entry("v5", "v5") + "," + Entry("v6", "v6") + "]}";
        fake.AddManifest("team/app", "multi", Encoding.UTF8.GetBytes(index), "application/vnd.oci.image.index.v1+json");
        using var host = new PowerShellHost();
        var manifest = host.RunClean($"Get-OciManifest {fake.Host}/team/app:multi -Platform linux/arm/v7").Single();
        Assert.Equal(fake.DigestOf("team/app", "v6"), manifest.Properties["Digest"].Value.ToString());
        var none = Assert.Single(host.Run($"Get-OciManifest {fake.Host}/team/app:multi -Platform linux/arm64").Errors);
        Assert.Equal("PlatformNotFound,OciImage.Commands.GetOciManifestCommand", none.FullyQualifiedErrorId);
    }

    [Fact]
    public void MaximumRetryCountZeroMeansExactlyOneAttempt()
    {
        using var fake = new FakeRegistry();
        var layer = fake.AddImage("team/app", "v1", 1000);
        fake.FailBlobsWith = 503;
        using var host = new PowerShellHost();
        using var temp = new TempDirectory();
        var error = Assert.Single(host.Run($"Save-OciBlob {fake.Host}/team/app {layer} -Size 1000 -Path '{temp.Combine("layer")}' -MaximumRetryCount 0").Errors);
        Assert.Equal("RegistryError", error.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(1, fake.Log.Count(l => l.StartsWith($"GET /v2/team/app/blobs/{layer}", StringComparison.Ordinal)));
    }

    private static int Size(FakeRegistry fake, string tag)
    {
        using var http = new System.Net.Http.HttpClient();
        return http.GetByteArrayAsync($"http://{fake.Host}/v2/team/app/manifests/{tag}").GetAwaiter().GetResult().Length;
    }
}
