using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a Docker daemon's answer bodies read as if they were well formed. A loopback "daemon" that
/// answers the ping as the Engine API does and every other request with <see cref="Answer"/>, whose body is
/// broken (bad chunk sizes, trailers without end, not JSON, shorter than its Content-Length). The word ENDLESS
/// in the answer is sent again and again until the client hangs up; an answer ending in STALL is sent up to there and
/// the connection is then held open, silent, until the daemon is disposed.
/// </summary>
public sealed class HostileDaemon : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public HostileDaemon(string answer)
    {
        Answer = answer;
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    public string Answer { get; }

    public string Host => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient peer;
            try
            {
                peer = await _listener.AcceptTcpClientAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(peer));
        }
    }

    private async Task ServeAsync(TcpClient peer)
    {
        using (peer)
        {
            try
            {
                var stream = peer.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n"))
                {
                    var n = await stream.ReadAsync(buffer, 0, buffer.Length);
                    if (n == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                var answer = head.ToString().Contains("/_ping") ? "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n\r\nOK" : Answer;
                var stall = answer.EndsWith("STALL", StringComparison.Ordinal);
                var parts = (stall ? answer.Substring(0, answer.Length - 5) : answer).Split("ENDLESS");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(parts[0]));
                if (parts.Length > 1)
                {
                    var repeated = Encoding.ASCII.GetBytes(parts[1]);
                    while (!_stop.IsCancellationRequested)
                    {
                        await stream.WriteAsync(repeated);
                    }
                }

                if (stall)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is System.IO.IOException or ObjectDisposedException or SocketException or OperationCanceledException)
            {
                // The client hung up: what it had seen was enough.
            }
        }
    }
}
