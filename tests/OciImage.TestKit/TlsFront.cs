using System;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// TLS on a free loopback port in front of a plain loopback HTTP server (HttpListener cannot speak TLS): each
/// connection's TLS is ended here, with a self-signed certificate for localhost, and its bytes relayed
/// to the server behind. What a <c>kubectl port-forward</c> to a TLS registry looks like. Counts the connections
/// it accepts and the handshakes that completed.
/// </summary>
public sealed class TlsFront : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _backendPort;
    private readonly X509Certificate2 _certificate = ProxyRecorder.SelfSigned("localhost");
    private readonly CancellationTokenSource _stop = new();
    private int _connections;
    private int _handshakes;

    public TlsFront(int backendPort)
    {
        _backendPort = backendPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary>The self-signed certificate it presents (for localhost): what a client trusts as its CA.</summary>
    public X509Certificate2 Certificate => _certificate;

    /// <summary>The certificate as ca.pem holds it.</summary>
    public string CertificatePem =>
        "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(_certificate.RawData, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";

    /// <summary>127.0.0.1:PORT, as references name it.</summary>
    public string Host => $"127.0.0.1:{Port}";

    public int Connections => _connections;

    public int Handshakes => _handshakes;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _certificate.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var tls = new SslStream(client.GetStream()))
        using (var backend = new TcpClient())
        {
            try
            {
                await tls.AuthenticateAsServerAsync(_certificate, clientCertificateRequired: false, checkCertificateRevocation: false);
                Interlocked.Increment(ref _handshakes);
                await backend.ConnectAsync(IPAddress.Loopback, _backendPort);
                var server = backend.GetStream();
                await Task.WhenAny(tls.CopyToAsync(server, _stop.Token), server.CopyToAsync(tls, _stop.Token));
            }
            catch (Exception)
            {
                // A plain-HTTP client, a probe that only shook hands, or the end of the test.
            }
        }
    }
}
