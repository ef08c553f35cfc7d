using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// An HTTP proxy on 127.0.0.1 that forwards nothing: it records every request a client sends through it
/// (HTTP_PROXY, HTTPS_PROXY) and answers itself, so a test can name hosts that are not on this machine
/// (realm.invalid, registry.invalid) and still reach only loopback. A CONNECT is refused, or, when the proxy has
/// a certificate, accepted and answered over TLS with that certificate (a registry with a self-signed one).
/// </summary>
public sealed class ProxyRecorder : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();

    public ProxyRecorder(X509Certificate2? certificate = null)
    {
        _certificate = certificate;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>One request seen: the method, the request target as sent, the Host header, the Authorization header.</summary>
    public sealed record Seen(string Method, string Target, string? Host, string? Authorization, bool OverTls);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The value for HTTP_PROXY or HTTPS_PROXY.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    public List<Seen> Requests { get; } = new();

    /// <summary>The answer to a request: status, body, extra headers. By default 200 with a token.</summary>
    public Func<Seen, (int Status, string Body, IDictionary<string, string>? Headers)> Answer { get; set; } =
        _ => (200, "{\"token\":\"proxied-token\",\"expires_in\":60}", null);

    /// <summary>A self-signed certificate for <paramref name="name"/>, made now (trusted by nobody).</summary>
    public static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
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

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                var head = await ReadHeadAsync(stream);
                if (head is null)
                {
                    return;
                }

                if (head.Value.Seen.Method == "CONNECT")
                {
                    Record(head.Value.Seen);
                    if (_certificate is null)
                    {
                        await WriteAsync(stream, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        return;
                    }

                    await WriteAsync(stream, "HTTP/1.1 200 Connection established\r\n\r\n");
                    var tls = new SslStream(stream);
                    try
                    {
                        await tls.AuthenticateAsServerAsync(_certificate);
                    }
                    catch (Exception)
                    {
                        return;
                    }

                    stream = tls;
                    while ((head = await ReadHeadAsync(stream, overTls: true)) is not null)
                    {
                        Record(head.Value.Seen);
                        await AnswerAsync(stream, head.Value.Seen, keepAlive: true);
                    }

                    return;
                }

                Record(head.Value.Seen);
                await AnswerAsync(stream, head.Value.Seen, keepAlive: false);
            }
            catch (IOException)
            {
            }
        }
    }

    private void Record(Seen seen)
    {
        lock (Requests)
        {
            Requests.Add(seen);
        }
    }

    private async Task AnswerAsync(Stream stream, Seen seen, bool keepAlive)
    {
        var (status, body, headers) = Answer(seen);
        var bytes = Encoding.UTF8.GetBytes(body);
        var text = new StringBuilder($"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\n");
        text.Append(keepAlive ? string.Empty : "Connection: close\r\n");
        foreach (var pair in headers ?? new Dictionary<string, string>())
        {
            text.Append(pair.Key).Append(": ").Append(pair.Value).Append("\r\n");
        }

        await WriteAsync(stream, text.Append("\r\n").ToString());
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    private static async Task WriteAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text));
        await stream.FlushAsync();
    }

    /// <summary>Reads a request line and headers (and skips a body); null at the end of the stream.</summary>
    private static async Task<(Seen Seen, int Length)?> ReadHeadAsync(Stream stream, bool overTls = false)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^1] != '\n' || head[^2] != '\r' || head[^3] != '\n' || head[^4] != '\r')
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            head.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
        var first = lines[0].Split(' ');
        string? Header(string name)
        {
            foreach (var line in lines)
            {
                var colon = line.IndexOf(':');
                if (colon > 0 && string.Equals(line.Substring(0, colon), name, StringComparison.OrdinalIgnoreCase))
                {
                    return line.Substring(colon + 1).Trim();
                }
            }

            return null;
        }

        var length = int.TryParse(Header("Content-Length"), out var n) ? n : 0;
        var skip = new byte[length];
        var read = 0;
        while (read < length)
        {
            var got = await stream.ReadAsync(skip.AsMemory(read));
            if (got == 0)
            {
                break;
            }

            read += got;
        }

        return (new Seen(first[0], first.Length > 1 ? first[1] : string.Empty, Header("Host"), Header("Authorization"), overTls), length);
    }
}
