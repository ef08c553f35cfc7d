using System;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Writes the registry did but whose answer never came back (the registry committed a PUT or a PATCH; the client
/// got a gateway's 502 instead of its answer): the copy goes on and completes with the right digest, and what
/// landed verifies.
/// </summary>
public sealed class LostAnswerTests : IClassFixture<RegistryImages>
{
    private readonly RegistryImages _images;

    public LostAnswerTests(RegistryImages images) => _images = images;

    [ToolTheory("docker-registry", "skopeo", "umoci", "htpasswd")]
    [InlineData("PUT", "/manifests/", 0)]
    [InlineData("PUT", "digest=", 0)]
    public void ACommittedWriteWhoseAnswerIsLostIsRetriedToAGoodImage(string method, string pathPart, long chunkSize) =>
        Copy(method, pathPart, chunkSize);

    /// <summary>
    /// A known gap this test found (issue 20): the chunk's PATCH is sent again with the same Content-Range and the
    /// stale upload Location, the registry answers BLOB_UPLOAD_INVALID, and the copy fails (as ManifestUnknown)
    /// instead of asking the upload's status or starting the upload again.
    /// </summary>
    [Fact(Skip = "known gap: a chunked upload whose PATCH answer is lost fails with BLOB_UPLOAD_INVALID instead of resuming (issue 20, open)")]
    public void ALostChunkAnswerIsRetriedToAGoodImage() => Copy("PATCH", "/blobs/uploads/", 65536);

    private void Copy(string method, string pathPart, long chunkSize)
    {
        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(tree);
        var bytes = new byte[300_000];
        new Random(20).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(tree, "data.bin"), bytes);
        var layout = temp.Combine("layout");
        using var host = new PowerShellHost();
        var image = host.RunClean($"New-OciLayer '{tree}' -Destination /d -Compression None -Layout '{layout}' | New-OciImage oci:{layout}:app -Platform linux/amd64").Single();
        var digest = image.Properties["Digest"].Value.ToString();

        using var proxy = new FaultProxy(_images.Registries[RegistryAuth.None].Host);
        proxy.LoseAnswerNext(1, method, pathPart);
        var repository = "lost/" + method.ToLowerInvariant() + chunkSize + (pathPart.Contains("manifests") ? "-manifest" : "-blob");
        if (chunkSize > 0)
        {
            host.RunClean($"Connect-OciRegistry {proxy.Host} -ChunkSize {chunkSize}");
        }

        var copied = host.Run($"Copy-OciImage oci:{layout}:app {proxy.Host}/{repository}:app -RetryIntervalSec 0.01");
        Assert.True(copied.Errors.Count == 0, string.Join("\n", copied.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)) + "\n" + string.Join("\n", proxy.Log));
        Assert.Equal(1, proxy.LostAnswers);
        Assert.Equal(digest, Assert.Single(copied.Output).Properties["Digest"].Value.ToString());
        if (chunkSize > 0)
        {
            Assert.True(proxy.Log.Count(l => l.StartsWith("PATCH ", StringComparison.Ordinal)) >= 4, string.Join("\n", proxy.Log));
        }

        // What the registry holds is the image, whole: skopeo (the referee) and a deep check agree.
        Assert.Contains(digest, ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{_images.Registries[RegistryAuth.None].Host}/{repository}:app"));
        Assert.True((bool)host.RunClean($"Test-OciImage {_images.Registries[RegistryAuth.None].Host}/{repository}:app -Deep -Quiet").Single().BaseObject);
    }
}
