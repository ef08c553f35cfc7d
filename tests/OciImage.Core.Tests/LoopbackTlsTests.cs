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
/// and process, by a ClientHello of its own before any request: TLS ports get https, others http, and the probe
/// adds no HTTP request (only a connection, and no finished handshake). An explicit scheme is used as given.
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

        // The probe sent a ClientHello on a connection of its own, read the answer's first byte and left: no
        // handshake finished but the request's, and the registry saw one GET /v2/.
        Assert.Equal(new[] { "/v2/" }, backend.Requests.Select(r => r.Path));
        Assert.Equal(2, front.Connections);
        Assert.Equal(1, front.Handshakes);

        // Once per port and process: a second client asks no more (its request reuses the pooled connection).
        var again = TestClients.Client(front.Host, new RegistryOptions { SkipCertificateCheck = true, MaximumRetryCount = 0 });
        Assert.Equal("https", again.Transport.BaseUri.Scheme);
        await again.PingAsync(None);
        Assert.Equal(2, backend.Requests.Count);
        Assert.Equal(2, front.Connections);
        Assert.Equal(1, front.Handshakes);
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

    [Theory]
    [InlineData(System.Security.Authentication.SslProtocols.Tls13)]
    [InlineData(System.Security.Authentication.SslProtocols.Tls12)]
    public void TheProbesOwnClientHelloIsAnsweredByATlsServerOfEitherVersion(System.Security.Authentication.SslProtocols only)
    {
        using var server = new OneTlsServer(only, dropFirst: false);
        Assert.True(LoopbackTlsProbe.Probe(server.Host, TimeSpan.FromSeconds(5)));

        // The probe read the answer's first byte and left: no handshake was finished.
        Assert.Equal(0, server.Handshakes);
    }

    [Fact]
    public void APortThatClosesOnTheProbesHelloIsAskedAgainWithARealHandshake()
    {
        // A TLS server that drops a hello it dislikes, without an alert: the TLS stack's own handshake decides.
        using var server = new OneTlsServer(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13, dropFirst: true);
        Assert.True(LoopbackTlsProbe.Probe(server.Host, TimeSpan.FromSeconds(5)));

        // The client's side of the handshake can finish before the server's counts it: wait for the count.
        var until = DateTime.UtcNow.AddSeconds(10);
        while (server.Handshakes < 1 && DateTime.UtcNow < until)
        {
            Thread.Sleep(20);
        }

        Assert.Equal(1, server.Handshakes);
    }

    /// <summary>A TLS server of the given protocol versions; with <c>dropFirst</c> it closes its first connection unanswered.</summary>
    private sealed class OneTlsServer : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(System.Net.IPAddress.Loopback, 0);
        private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = ProxyRecorder.SelfSigned("localhost");
        private readonly System.Security.Authentication.SslProtocols _protocols;
        private readonly bool _dropFirst;
        private int _handshakes;

        public OneTlsServer(System.Security.Authentication.SslProtocols protocols, bool dropFirst)
        {
            _protocols = protocols;
            _dropFirst = dropFirst;
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Host => $"127.0.0.1:{((System.Net.IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Handshakes => Volatile.Read(ref _handshakes);

        public void Dispose()
        {
            _listener.Stop();
            _certificate.Dispose();
        }

        private async Task AcceptAsync()
        {
            for (var connection = 0; ; connection++)
            {
                System.Net.Sockets.TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception)
                {
                    return;
                }

                if (_dropFirst && connection == 0)
                {
                    var hello = new byte[512];
                    _ = await client.GetStream().ReadAsync(hello);
                    client.Dispose();
                    continue;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    using (var tls = new System.Net.Security.SslStream(client.GetStream()))
                    {
                        try
                        {
                            await tls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = _certificate, EnabledSslProtocols = _protocols });
                            Interlocked.Increment(ref _handshakes);
                        }
                        catch (Exception)
                        {
                            // The probe left after the first byte of the answer.
                        }
                    }
                });
            }
        }
    }
}
