using System;
using System.Collections.Generic;
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

/// <summary>
/// A registry on loopback without a scheme (a port-forward or tunnel) is asked whether it speaks TLS once per port
/// and process, by a TLS handshake of its own before any request: TLS ports get https, others http, and the probe
/// adds no HTTP request (only a connection, and on a TLS port a handshake). An explicit scheme is used as given.
/// </summary>
public sealed class LoopbackTlsTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static RecordingServer Registry() =>
        new("127.0.0.1", Encoding.UTF8.GetBytes("{}"), "application/json", new Dictionary<string, string> { ["Docker-Distribution-API-Version"] = "registry/2.0" });

    [Fact]
    public async Task ALoopbackPortThatSpeaksOnlyTlsIsReachedOverHttpsOnceProbed()
    {
        using var backend = Registry();
        using var front = new TlsFront(backend.Port);

        var client = TestClients.Client(front.Host, new RegistryOptions { SkipCertificateCheck = true, MaximumRetryCount = 0 });
        Assert.Equal("https", client.Transport.BaseUri.Scheme);
        await client.PingAsync(None);

        // The probe shook hands on a connection of its own and sent no request: the registry saw one GET /v2/.
        Assert.Equal(new[] { "/v2/" }, backend.Requests.Select(r => r.Path));
        Assert.Equal(2, front.Handshakes);

        // Once per port and process: a second client asks no more (its request reuses the pooled connection).
        var again = TestClients.Client(front.Host, new RegistryOptions { SkipCertificateCheck = true, MaximumRetryCount = 0 });
        Assert.Equal("https", again.Transport.BaseUri.Scheme);
        await again.PingAsync(None);
        Assert.Equal(2, backend.Requests.Count);
        Assert.Equal(2, front.Handshakes);
    }

    [Fact]
    public async Task ItsSelfSignedCertificateIsStillCheckedUnlessSkipCertificateCheck()
    {
        using var backend = Registry();
        using var front = new TlsFront(backend.Port);

        var client = TestClients.Client(front.Host, new RegistryOptions { MaximumRetryCount = 0 });
        Assert.Equal("https", client.Transport.BaseUri.Scheme);
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => client.PingAsync(None));
        Assert.Contains("certificate", error.Message);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public async Task APlainLoopbackRegistrySeesNoRequestFromTheProbe()
    {
        using var backend = Registry();
        var client = TestClients.Client(backend.Host, new RegistryOptions { MaximumRetryCount = 0 });
        Assert.Equal("http", client.Transport.BaseUri.Scheme);
        await client.PingAsync(None);
        Assert.Equal(new[] { "/v2/" }, backend.Requests.Select(r => r.Path));
    }

    [ToolFact("docker-registry")]
    public async Task TheCncfRegistryServingTlsOnLoopbackIsFoundAndItsBare400ExplainedWhenHttpIsForced()
    {
        using var registry = new RegistryServer(tls: true);
        var content = Encoding.UTF8.GetBytes("a blob over a loopback TLS port");
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(content), Size = content.Length };

        var store = TestClients.Store(registry.Host, "tls/app", new RegistryOptions { SkipCertificateCheck = true, MaximumRetryCount = 0 });
        await store.PutBlobAsync(blob, new System.IO.MemoryStream(content), null, None);
        Assert.True(await store.HasBlobAsync(blob, None));

        // Go's TLS servers answer a plain request with a bare 400: the error says what the port speaks.
        var plain = TestClients.Client(registry.Host, new RegistryOptions { Scheme = "http", MaximumRetryCount = 0 });
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => plain.PingAsync(None));
        Assert.Contains("GET http://" + registry.Host + "/v2/ answered HTTP 400: this port speaks TLS", error.Message);
    }

    [Fact]
    public async Task AnExplicitSchemeIsUsedAsGivenWithoutAProbe()
    {
        using var backend = Registry();
        using var front = new TlsFront(backend.Port);

        var client = TestClients.Client(front.Host, new RegistryOptions { Scheme = "https", SkipCertificateCheck = true, MaximumRetryCount = 0 });
        Assert.Equal("https", client.Transport.BaseUri.Scheme);
        await client.PingAsync(None);
        Assert.Equal(1, front.Handshakes);

        // http:// named for a TLS port: the error says what the port speaks.
        var plain = TestClients.Client(front.Host, new RegistryOptions { Scheme = "http", MaximumRetryCount = 0 });
        Assert.Equal("http", plain.Transport.BaseUri.Scheme);
        var error = await Assert.ThrowsAsync<RegistryUnreachableException>(() => plain.PingAsync(None));
        Assert.StartsWith($"Cannot reach {front.Host}: The response ended prematurely", error.Message);
        Assert.Contains("this port speaks TLS", error.Message);
        Assert.Contains($"Connect-OciRegistry https://{front.Host}", error.Message);
    }
}
