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

/// <summary>Servers that lie or redirect: refused or bounded, and credentials stay with the registry.</summary>
public sealed class HostileRegistryTests : IClassFixture<RegistryImages>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly RegistryImages _images;

    public HostileRegistryTests(RegistryImages images) => _images = images;

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task ARedirectToAnotherHostGetsNoCredentials()
    {
        var registry = _images.Registries[RegistryAuth.Basic];
        var content = Encoding.UTF8.GetBytes("blob content served elsewhere");
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(content), Size = content.Length };
        var credential = new RegistryCredential(RegistryServer.User, RegistryServer.Password);
        var direct = TestClients.Store(registry.Host, "team/app", new RegistryOptions { Credential = credential }, new RecordingLog());
        await direct.PutBlobAsync(blob, new MemoryStream(content), null, None);

        // "localhost" is another host than 127.0.0.1 as far as credentials go.
        using var storage = new RecordingServer("localhost", content, "application/octet-stream");
        using var proxy = new FaultProxy(registry.Host);
        var store = TestClients.Store(proxy.Host, "team/app", new RegistryOptions { Credential = credential }, new RecordingLog());

        // A first request answers the registry's challenge, so the redirected GET carries credentials to lose.
        Assert.True(await store.HasBlobAsync(blob, None));
        proxy.RedirectNext(1, "/blobs/" + blob.Digest, $"http://{storage.Host}/storage/blob");

        using var stream = await store.OpenBlobAsync(blob, None);
        var read = new MemoryStream();
        await stream.CopyToAsync(read);
        Assert.Equal(content, read.ToArray());
        var (path, authorization) = Assert.Single(storage.Requests);
        Assert.Equal("/storage/blob", path);
        Assert.Null(authorization);
    }

    [Fact]
    public async Task AManifestOverFourMebibytesIsRefusedUnread()
    {
        var huge = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"x\":\"" + new string('a', 5 * 1024 * 1024) + "\"}");
        using var liar = new RecordingServer("127.0.0.1", huge, MediaTypes.OciManifest);
        var store = TestClients.Store(liar.Host, "big/app", new RegistryOptions { MaximumRetryCount = 0 }, new RecordingLog());
        var error = await Assert.ThrowsAsync<ManifestTooLargeException>(() => store.GetManifestAsync(Reference.Parse($"{liar.Host}/big/app:v1"), None));
        Assert.Equal("ManifestTooLarge", error.ErrorId);
    }

    [Fact]
    public async Task ABlobWithOtherBytesIsRefused()
    {
        var lie = Encoding.UTF8.GetBytes("these are not the bytes you asked for");
        using var liar = new RecordingServer("127.0.0.1", lie, "application/octet-stream");
        var store = TestClients.Store(liar.Host, "x/y", new RegistryOptions { MaximumRetryCount = 0 }, new RecordingLog());
        var expected = Encoding.UTF8.GetBytes("the real bytes, of the same length!!!");
        var descriptor = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(expected), Size = expected.Length };
        using var stream = await store.OpenBlobAsync(descriptor, None);
        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task CredentialsGoToAnAnnouncedRealmOnlyOverASafeChannel()
    {
        // The realm the registry announces gets the credentials (basic, for a token); the registry gets only the
        // token; nothing secret reaches the log.
        using var realm = new RecordingServer("127.0.0.1", Encoding.UTF8.GetBytes("{\"token\":\"t0ken-from-realm\",\"expires_in\":60}"), "application/json");
        using var registry = new RecordingServer("127.0.0.1", Encoding.UTF8.GetBytes("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"auth required\"}]}"), "application/json",
            new System.Collections.Generic.Dictionary<string, string> { ["WWW-Authenticate"] = $"Bearer realm=\"http://{realm.Host}/token\",service=\"svc\"" }, status: 401);
        var log = new RecordingLog();
        var client = TestClients.Client(registry.Host, new RegistryOptions { Credential = new RegistryCredential("u", "p@ss"), MaximumRetryCount = 0 }, log);
        await Assert.ThrowsAsync<UnauthorizedException>(() => client.PingAsync(None));
        Assert.StartsWith("Basic ", Assert.Single(realm.Requests).Authorization);
        Assert.Equal(new string?[] { null, "Bearer t0ken-from-realm" }, registry.Requests.Select(r => r.Authorization));
        Assert.DoesNotContain(log.Messages, m => m.Contains("p@ss") || m.Contains("t0ken-from-realm"));
    }
}

/// <summary>
/// Credentials keep to their origin and https never steps down to http, over a real TLS port (the registry behind a
/// <see cref="TlsFront"/>): a redirect or an upload Location to plain http is refused unless -AllowInsecure.
/// </summary>
public sealed class DowngradeTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static RegistryOptions Options(bool allowInsecure) => new()
    {
        Scheme = "https", SkipCertificateCheck = true, AllowInsecure = allowInsecure, MaximumRetryCount = 0,
        Credential = new RegistryCredential("u", "p@ss-in-clear"),
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABlobRedirectedFromHttpsToPlainHttpIsRefusedOrFollowedWithoutCredentials(bool allowInsecure)
    {
        using var registry = new FakeRegistry { TokenLifetime = 300 };
        registry.AddUser("dev", "dev-Pa55");
        var layer = registry.AddImage("team/app", "v1", 3000);
        using var front = new TlsFront(registry.Port);
        var options = Options(allowInsecure).WithCredential(new RegistryCredential("dev", "dev-Pa55"));
        var store = TestClients.Store(front.Host, "team/app", options, new RecordingLog());
        var manifest = (ImageManifest)await store.GetManifestAsync(Reference.Parse($"{front.Host}/team/app:v1"), None);
        registry.RedirectBlobs = true;

        if (!allowInsecure)
        {
            var error = await Assert.ThrowsAsync<InsecureRedirectException>(() => store.OpenBlobAsync(manifest.Layers[0], None));
            Assert.Contains("/storage/" + layer, error.Message);
            Assert.Empty(registry.StorageRequests);
            return;
        }

        using (var blob = await store.OpenBlobAsync(manifest.Layers[0], None))
        {
            await blob.CopyToAsync(Stream.Null);
        }

        Assert.Null(Assert.Single(registry.StorageRequests).Authorization);
    }

    [Fact]
    public async Task AnUploadLocationFromHttpsToPlainHttpIsRefused()
    {
        using var plain = new RecordingServer("127.0.0.1", Array.Empty<byte>(), "application/json", status: 201);
        using var registry = new RecordingServer("127.0.0.1", Array.Empty<byte>(), "application/json",
            new System.Collections.Generic.Dictionary<string, string> { ["Location"] = $"http://{plain.Host}/upload?state=x" }, status: 202);
        using var front = new TlsFront(registry.Port);
        var store = TestClients.Store(front.Host, "team/app", Options(false), new RecordingLog());
        var content = Encoding.UTF8.GetBytes("pushed");
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(content), Size = content.Length };

        await Assert.ThrowsAsync<InsecureRedirectException>(() => store.PutBlobAsync(blob, new MemoryStream(content), null, None));
        Assert.Empty(plain.Requests);
    }

    [Fact]
    public async Task ATokenRealmThatIsNotHttpIsUnauthorizedNotARawError()
    {
        using var registry = new RecordingServer("127.0.0.1", Encoding.UTF8.GetBytes("{}"), "application/json",
            new System.Collections.Generic.Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer realm=\"file:///etc/passwd\",service=\"x\"" }, status: 401);
        var client = TestClients.Client(registry.Host, new RegistryOptions { MaximumRetryCount = 0 });
        var error = await Assert.ThrowsAsync<UnauthorizedException>(() => client.PingAsync(None));
        Assert.Contains("a token realm that is not an http or https URL (file:///etc/passwd)", error.Message);
    }
}

/// <summary>A server that accepts and then says nothing (slowloris) is bounded by the request timeout.</summary>
public sealed class SilentServerTests
{
    [Fact]
    public async Task ASilentServerTimesOutWithAClearError()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var accepted = new System.Collections.Generic.List<System.Net.Sockets.TcpClient>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await listener.AcceptTcpClientAsync());
                }
            }
            catch (Exception)
            {
            }
        });
        try
        {
            var host = $"127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
            var options = new RegistryOptions { RequestTimeout = TimeSpan.FromSeconds(1), MaximumRetryCount = 1, RetryInterval = TimeSpan.FromMilliseconds(10) };
            var store = TestClients.Store(host, "slow/app", options, new RecordingLog());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => store.GetManifestAsync(Reference.Parse($"{host}/slow/app:v1"), CancellationToken.None));
            Assert.Contains("no answer within", error.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
        }
        finally
        {
            listener.Stop();
            foreach (var client in accepted)
            {
                client.Dispose();
            }
        }
    }
}
