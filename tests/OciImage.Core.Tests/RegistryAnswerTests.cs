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
    public async Task ARequestOverTheRegistrysCapSaysToUploadInChunks()
    {
        using var fake = new FakeRegistry { MaxRequestBody = 64 * 1024 };
        var random = new byte[200_000];
        new Random(5).NextBytes(random);
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(random), Size = random.Length };
        var error = await Assert.ThrowsAsync<RegistryErrorException>(() => TestClients.Store(fake.Host, "team/big").PutBlobAsync(descriptor, new MemoryStream(random), null, None));
        Assert.Equal(413, error.StatusCode);
        Assert.Contains("-ChunkSize", error.Message);

        // Chunks under the cap go through.
        await TestClients.Store(fake.Host, "team/big", new RegistryOptions { ChunkSize = 60 * 1024 }).PutBlobAsync(descriptor, new MemoryStream(random), null, None);
        Assert.True(fake.HasBlob("team/big", descriptor.Digest.ToString()));
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
