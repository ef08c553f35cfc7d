using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: work and memory without bound. A raw HTTP/1.1 server on loopback whose answer never ends: a
/// body that trickles a byte at a time (every <see cref="TrickleInterval"/>, for ever) or one that streams without
/// end at full speed, after headers that look fine (200, JSON, no length). Aimed at readers of small documents (token
/// answers) that must bound both time and size. Records each request line.
/// </summary>
public sealed class EndlessAnswerServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _trickle;

    /// <param name="trickle">True: a byte at a time, slowly; false: megabytes a second, without end.</param>
    public EndlessAnswerServer(bool trickle)
    {
        _trickle = trickle;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public string Host => $"127.0.0.1:{Port}";

    public TimeSpan TrickleInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>"GET /path?query" for each request seen.</summary>
    public List<string> Requests { get; } = new();

    /// <summary>Bytes of body written so far, over every connection.</summary>
    public long BodyBytesWritten => Interlocked.Read(ref _written);

    private long _written;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                lock (Requests)
                {
                    var line = head.ToString().Split("\r\n")[0];
                    Requests.Add(line.Substring(0, Math.Max(0, line.LastIndexOf(' '))));
                }

                await client.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"token\":\""), SocketFlags.None, _stop.Token);
                var chunk = _trickle ? new[] { (byte)'a' } : Encoding.ASCII.GetBytes(new string('a', 64 * 1024));
                while (!_stop.IsCancellationRequested)
                {
                    await client.SendAsync(chunk, SocketFlags.None, _stop.Token);
                    Interlocked.Add(ref _written, chunk.Length);
                    if (_trickle)
                    {
                        await Task.Delay(TrickleInterval, _stop.Token);
                    }
                }
            }
            catch (Exception)
            {
                // The client gave up (as it should), or the test ended.
            }
        }
    }
}
