using System;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Writes the registry did but whose answer never came back: the proxy forwards the request whole, the registry
/// commits it, and the client's connection is reset without a byte of the answer (or, as from a load balancer
/// that gave up, a 502). The copy goes on as distribution clients do (a lost POST is sent again, a lost chunk's
/// session is asked how far it got, a lost closing PUT is checked with HEAD, a manifest PUT is sent again), with
/// exactly the requests that takes, and what landed verifies.
/// </summary>
public sealed class LostAnswerTests : IClassFixture<RegistryImages>
{
    /// <summary>The layer: a tar of 300,000 random bytes, in chunks of 64 KiB five PATCHes; the config is one PUT.</summary>
    private const long Chunk = 65536;

    private readonly RegistryImages _images;

    public LostAnswerTests(RegistryImages images) => _images = images;

    private string Plain => _images.Registries[RegistryAuth.None].Host;

    /// <summary>The POST that opens an upload: sent again, one POST more; the session it opened is left behind.</summary>
    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void ALostUploadStartIsSentAgain()
    {
        var log = Copy("POST", "/blobs/uploads/", Chunk, asGateway: false);
        Assert.Equal(3, Count(log, "POST", "/blobs/uploads/"));
        Assert.Equal(5, Count(log, "PATCH", "/blobs/uploads/"));
        Assert.Equal(2, Count(log, "PUT", "/blobs/uploads/"));
    }

    /// <summary>
    /// A chunk's PATCH the registry took: the session is asked its status (GET on the upload); distribution has
    /// cancelled it (its Location names the offset before the chunk: BLOB_UPLOAD_INVALID), so the upload starts
    /// again from a new POST and the source's start. Once with the connection reset, once with a gateway's 502.
    /// </summary>
    [ToolTheory("docker-registry", "skopeo", "umoci", "htpasswd")]
    [InlineData(false)]
    [InlineData(true)]
    public void ALostChunkAnswerIsRetriedToAGoodImage(bool asGateway)
    {
        var log = Copy("PATCH", "/blobs/uploads/", Chunk, asGateway);
        Assert.Equal(1, Count(log, "GET", "/blobs/uploads/"));
        Assert.Equal(3, Count(log, "POST", "/blobs/uploads/"));
        Assert.Equal(1 + 5, Count(log, "PATCH", "/blobs/uploads/"));
        Assert.Equal(2, Count(log, "PUT", "/blobs/uploads/"));
    }

    /// <summary>The closing PUT of a blob (monolithic, or after the chunks): a HEAD finds the blob, and nothing is sent again.</summary>
    [ToolTheory("docker-registry", "skopeo", "umoci", "htpasswd")]
    [InlineData(0L)]
    [InlineData(Chunk)]
    public void ALostBlobPutIsFoundWithHead(long chunkSize)
    {
        var log = Copy("PUT", "/blobs/uploads/", chunkSize, asGateway: false);
        Assert.Equal(2, Count(log, "POST", "/blobs/uploads/"));
        Assert.Equal(chunkSize > 0 ? 5 : 0, Count(log, "PATCH", "/blobs/uploads/"));
        Assert.Equal(2, Count(log, "PUT", "/blobs/uploads/"));
        Assert.Equal(0, Count(log, "GET", "/blobs/uploads/"));

        // One HEAD per blob before the upload, one after the lost answer.
        Assert.Equal(2 + 1, Count(log, "HEAD", "/blobs/sha256:"));
    }

    /// <summary>The manifest PUT: idempotent, so sent again as it is.</summary>
    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void ALostManifestPutIsSentAgain()
    {
        var log = Copy("PUT", "/manifests/", 0, asGateway: false);
        Assert.Equal(2, Count(log, "PUT", "/manifests/"));
        Assert.Equal(2, Count(log, "PUT", "/blobs/uploads/"));
    }

    private static int Count(string[] log, string method, string pathPart) =>
        log.Count(l => l.StartsWith(method + " ", StringComparison.Ordinal) && l.Contains(pathPart, StringComparison.Ordinal));

    /// <summary>Copies a fresh one-layer image through a proxy that loses one answer; checks the image; returns the proxy's request log.</summary>
    private string[] Copy(string method, string pathPart, long chunkSize, bool asGateway)
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
        var digest = image.Properties["Digest"].Value.ToString()!;

        using var proxy = new FaultProxy(Plain);
        proxy.LoseAnswerNext(1, method, pathPart, asGateway);
        var repository = $"lost/{method.ToLowerInvariant()}{chunkSize}{(pathPart.Contains("manifests") ? "-manifest" : "-blob")}{(asGateway ? "-gateway" : string.Empty)}";
        if (chunkSize > 0)
        {
            host.RunClean($"Connect-OciRegistry {proxy.Host} -ChunkSize {chunkSize}");
        }

        var copied = host.Run($"Copy-OciImage oci:{layout}:app {proxy.Host}/{repository}:app -RetryIntervalSec 0.01");
        var log = proxy.Log.ToArray();
        Assert.True(copied.Errors.Count == 0, string.Join("\n", copied.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)) + "\n" + string.Join("\n", log));
        Assert.Equal(1, proxy.LostAnswers);
        Assert.Equal(asGateway ? 0 : 1, proxy.Resets);
        Assert.Equal(digest, Assert.Single(copied.Output).Properties["Digest"].Value.ToString());

        // What the registry holds is the image, whole: skopeo (the referee) and a deep check agree.
        Assert.Contains(digest, ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{Plain}/{repository}:app"));
        Assert.True((bool)host.RunClean($"Test-OciImage {Plain}/{repository}:app -Deep -Quiet").Single().BaseObject);
        return log;
    }
}
