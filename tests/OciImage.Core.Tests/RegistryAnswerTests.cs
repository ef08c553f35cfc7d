using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Answers only a fake registry gives on demand, each ending in the error that says what happened.</summary>
public sealed class RegistryAnswerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task AServerWhoseV2Is404IsNotARegistry()
    {
        using var fake = new FakeRegistry { PingStatus = 404 };
        var error = await Assert.ThrowsAsync<NotARegistryException>(() => TestClients.Client(fake.Host).PingAsync(None));
        Assert.Equal("NotARegistry", error.ErrorId);
        Assert.Equal(OciErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("not a registry API endpoint", error.Message);
        Assert.Contains("-SkipCheck", error.Message);
    }

    [Theory]
    [InlineData("application/vnd.docker.distribution.manifest.v1+prettyjws")]
    [InlineData("application/vnd.docker.distribution.manifest.v1+json")]
    [InlineData("application/json")]
    public async Task ADockerSchema1ManifestIsUnsupportedMediaType(string contentType)
    {
        using var fake = new FakeRegistry();
        var schema1 = "{\"schemaVersion\":1,\"name\":\"team/old\",\"tag\":\"v1\",\"architecture\":\"amd64\",\"fsLayers\":[],\"history\":[],\"signatures\":[{\"protected\":\"x\"}]}";
        fake.AddManifest("team/old", "v1", Encoding.UTF8.GetBytes(schema1), contentType);
        var store = TestClients.Store(fake.Host, "team/old");
        var reference = Reference.Parse($"{fake.Host}/team/old:v1");
        Assert.Equal("UnsupportedMediaType", (await Assert.ThrowsAsync<UnsupportedMediaTypeException>(() => store.GetManifestAsync(reference, None))).ErrorId);
        Assert.Contains("schema 1", (await Assert.ThrowsAsync<UnsupportedMediaTypeException>(() => store.ResolveAsync(reference, None))).Message);
    }

    [Fact]
    public async Task ARequestOverTheRegistrysCapIsSentAgainInChunksThatPass()
    {
        // A proxy's cap of 1 MiB per request (nginx's default client_max_body_size): the one-PUT upload of a 5 MB
        // blob is refused, and the upload starts again in chunks, halved until they pass; the next blob starts there.
        using var fake = new FakeRegistry { MaxRequestBody = 1 << 20 };
        var log = new RecordingLog();
        var store = TestClients.Store(fake.Host, "team/big", null, log);
        foreach (var seed in new[] { 5, 6 })
        {
            var random = new byte[5_000_000];
            new Random(seed).NextBytes(random);
            var descriptor = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(random), Size = random.Length };
            await store.PutBlobAsync(descriptor, new MemoryStream(random), null, None);
            Assert.True(fake.HasBlob("team/big", descriptor.Digest.ToString()));
        }

        // First blob: the PUT (413), then chunks of 2.5 MB and of 1.25 MB refused; 625 KB chunks pass. The second
        // blob goes in 625 KB chunks from its first request.
        var refused = fake.Log.Where(l => l.EndsWith(" 413", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "PUT", "PATCH", "PATCH" }, refused.Select(l => l.Split(' ')[0]));
        var patches = fake.Log.Where(l => l.StartsWith("PATCH ", StringComparison.Ordinal) && l.EndsWith(" 202", StringComparison.Ordinal)).Count();
        Assert.Equal(2 * 8, patches); // 5,000,000 bytes in chunks of 625,000, twice
        Assert.Contains(log.Messages, l => l.Contains("refused 5000000 bytes in one request", StringComparison.Ordinal));

        // Under the smallest chunk it would cut (512 KiB) a refusal is an error that says what to do.
        using var tiny = new FakeRegistry { MaxRequestBody = 64 * 1024 };
        var blob = new byte[200_000];
        new Random(7).NextBytes(blob);
        var small = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(blob), Size = blob.Length };
        var error = await Assert.ThrowsAsync<RegistryErrorException>(() => TestClients.Store(tiny.Host, "team/big").PutBlobAsync(small, new MemoryStream(blob), null, None));
        Assert.Equal(413, error.StatusCode);
        Assert.Contains("-ChunkSize", error.Message);
        await TestClients.Store(tiny.Host, "team/big", new RegistryOptions { ChunkSize = 60 * 1024 }).PutBlobAsync(small, new MemoryStream(blob), null, None);
        Assert.True(tiny.HasBlob("team/big", small.Digest.ToString()));
    }

    [Fact]
    public async Task ABlobRedirectedToStorageOnAnotherHostKeepsItsQueryAndGetsNoCredentials()
    {
        using var fake = new FakeRegistry { TokenLifetime = 300, RedirectBlobs = true };
        fake.AddUser("dev", "dev-Pa55");
        var layer = fake.AddImage("team/app", "v1", 3000);
        var store = TestClients.Store(fake.Host, "team/app", new RegistryOptions { Credential = new RegistryCredential("dev", "dev-Pa55") }, new RecordingLog());
        var manifest = (ImageManifest)await store.GetManifestAsync(Reference.Parse($"{fake.Host}/team/app:v1"), None);
        using (var blob = await store.OpenBlobAsync(manifest.Layers[0], None))
        {
            await blob.CopyToAsync(Stream.Null);
        }

        var request = Assert.Single(fake.StorageRequests);
        Assert.Equal($"/storage/{layer}?X-Signature=a%2Fb%3D%3D&X-Expires=60", request.PathAndQuery);
        Assert.Null(request.Authorization);
    }
}
