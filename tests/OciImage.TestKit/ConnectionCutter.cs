using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a loopback HTTP server that can cut a client's connection with a reset
/// on the server's word. HttpListener cannot close a connection without first sending a response, so a proxy
/// that must lose an answer (a write the registry did, whose client never hears back) stands this before itself
/// and, once the registry has answered, calls <see cref="Cut"/> with the request's RemoteEndPoint: the client
/// sees its connection reset with its request sent whole and no byte of an answer.
/// </summary>
public sealed class ConnectionCutter : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _backendPort;

    /// <summary>The client's socket of each relayed connection, by the local port of the relay's connection to the server.</summary>
    private readonly ConcurrentDictionary<int, (Socket Client, Socket Backend)> _connections = new();

    public ConnectionCutter(int port, int backendPort)
    {
        _backendPort = backendPort;
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>
    /// Resets the client connection that reached the server from <paramref name="serverSideRemote"/>; what the
    /// server then writes goes nowhere. False when no such connection is relayed.
    /// </summary>
    public bool Cut(IPEndPoint serverSideRemote)
    {
        if (!_connections.TryRemove(serverSideRemote.Port, out var connection))
        {
            return false;
        }

        // Linger on with a zero timeout: close sends RST, not FIN, as a crashed or impatient peer would.
        connection.Client.LingerState = new LingerOption(true, 0);
        connection.Client.Close();
        connection.Backend.Close();
        return true;
    }

    public void Dispose()
    {
        _listener.Stop();
        foreach (var key in _connections.Keys)
        {
            if (_connections.TryRemove(key, out var connection))
            {
                connection.Client.Close();
                connection.Backend.Close();
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync();
            }
            catch (Exception)
            {
                return; // stopped
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        int key;
        try
        {
            await backend.ConnectAsync(IPAddress.Loopback, _backendPort);
            key = ((IPEndPoint)backend.LocalEndPoint!).Port;
            _connections[key] = (client, backend);
        }
        catch (Exception)
        {
            client.Close();
            backend.Close();
            return;
        }

        // Either side ending (or being cut) ends the connection.
        await Task.WhenAny(PumpAsync(client, backend), PumpAsync(backend, client));
        _connections.TryRemove(key, out _);
        client.Close();
        backend.Close();
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                var sent = 0;
                while (sent < n)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
                }
            }
        }
        catch (Exception)
        {
            // Cut, or the peer went away.
        }
    }
}
