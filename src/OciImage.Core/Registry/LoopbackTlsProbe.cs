using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry;

/// <summary>
/// Whether a loopback port speaks TLS, found once per port and process as docker and skopeo find it (HTTPS
/// first): a ClientHello on a connection of its own, before any request, so no credential and no HTTP request
/// goes to a port before its scheme is known. A TLS server answers with a handshake or an alert record (0x16,
/// 0x15); a plain HTTP server answers the ClientHello with a 400 of its own (or closes), and never sees a
/// request it would count. Certificates are not judged here (the request that follows judges them).
/// </summary>
internal static class LoopbackTlsProbe
{
    private static readonly ConcurrentDictionary<string, bool> Known = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the port of <paramref name="authority"/> (host[:port], 443 without one) speaks TLS.</summary>
    /// <remarks>A port that cannot be reached, or says nothing within the timeout, is plain HTTP, remembered until a request to it fails.</remarks>
    public static bool SpeaksTls(string authority, TimeSpan timeout)
    {
        if (Known.TryGetValue(authority, out var known))
        {
            return known;
        }

        // No answer (nothing listens, or a plain server that waits for a line end) is plain HTTP, remembered, so a
        // silent plain server costs one timeout a process, not one a command; a failed request forgets it.
        var tls = Probe(authority, timeout) ?? false;
        Known[authority] = tls;
        return tls;
    }

    /// <summary>Forgets what a port spoke (it failed since: what listens there may have changed).</summary>
    public static void Forget(string authority) => Known.TryRemove(authority, out _);

    /// <summary>Asks the port afresh: true TLS, false something else, null no answer.</summary>
    public static bool? Probe(string authority, TimeSpan timeout)
    {
        if (!Uri.TryCreate("https://" + authority + "/", UriKind.Absolute, out var uri))
        {
            return null;
        }

        var host = uri.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? new[] { literal } : Resolve(host);
        foreach (var address in addresses)
        {
            var answer = ProbeAddress(address, uri.Port, host, timeout);
            if (answer is not null)
            {
                return answer;
            }
        }

        return null;
    }

    private static IPAddress[] Resolve(string host)
    {
        try
        {
            return Dns.GetHostAddresses(host);
        }
        catch (SocketException)
        {
            return Array.Empty<IPAddress>();
        }
    }

    /// <summary>
    /// A ClientHello of our own (<see cref="TlsClientHello"/>) and the first byte back: a TLS record (a handshake or
    /// an alert) is TLS, anything else is not. A port that closes without a word is asked again with a real
    /// handshake (a TLS server that drops a hello it dislikes); one that says nothing in time has no answer.
    /// </summary>
    private static bool? ProbeAddress(IPAddress address, int port, string host, TimeSpan timeout)
    {
        var serverName = IPAddress.TryParse(host, out _) ? "localhost" : host;
        if (Open(address) is not { } socket)
        {
            return null;
        }

        socket.NoDelay = true;
        try
        {
            if (!Wait(socket.ConnectAsync(address, port), timeout))
            {
                return null;
            }

            var milliseconds = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
            using var network = new NetworkStream(socket, ownsSocket: false) { ReadTimeout = milliseconds, WriteTimeout = milliseconds };
            var hello = TlsClientHello.Build(serverName);
            network.Write(hello, 0, hello.Length);
            var first = new byte[1];
            var read = network.ReadAsync(first, 0, 1);
            if (!Wait(read, timeout) && !read.IsCompleted)
            {
                return null;
            }

            if (read.Status == TaskStatus.RanToCompletion && read.Result == 1)
            {
                return first[0] is TlsClientHello.HandshakeRecord or TlsClientHello.AlertRecord;
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            return null;
        }
        finally
        {
            socket.Dispose();
        }

        return HandshakeProbe(address, port, serverName, timeout);
    }

    /// <summary>The TLS stack's own handshake: true when it completes or the server's first byte began a TLS record.</summary>
    private static bool? HandshakeProbe(IPAddress address, int port, string serverName, TimeSpan timeout)
    {
        if (Open(address) is not { } socket)
        {
            return null;
        }

        try
        {
            var connect = socket.ConnectAsync(address, port);
            if (!Wait(connect, timeout))
            {
                return null;
            }

            var milliseconds = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
            using var network = new NetworkStream(socket, ownsSocket: false) { ReadTimeout = milliseconds, WriteTimeout = milliseconds };
            var first = new FirstByteStream(network);
            using var tls = new SslStream(first, leaveInnerStreamOpen: true, (_, _, _, _) => true);
            var handshake = tls.AuthenticateAsClientAsync(serverName);
            if (Wait(handshake, timeout))
            {
                return true;
            }

            // A handshake that failed: TLS if the first byte back began a TLS record (a handshake or an alert).
            return first.First is TlsClientHello.HandshakeRecord or TlsClientHello.AlertRecord ? true : first.First is null && !handshake.IsCompleted ? null : false;
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            return null;
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>A TCP socket for the address, or null where its family cannot be used (IPv6 turned off at boot, with localhost at ::1).</summary>
    private static Socket? Open(IPAddress address)
    {
        try
        {
            return new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>Waits for a task; false when it failed or did not end in time (its failure is observed either way).</summary>
    private static bool Wait(Task task, TimeSpan timeout)
    {
        _ = task.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            return task.Wait(timeout) && task.Status == TaskStatus.RanToCompletion;
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    /// <summary>Passes reads through and keeps the first byte the server sent.</summary>
    private sealed class FirstByteStream(Stream inner) : Stream
    {
        public byte? First { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Keep(buffer, offset, inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Keep(buffer, offset, await inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private int Keep(byte[] buffer, int offset, int n)
        {
            if (n > 0 && First is null)
            {
                First = buffer[offset];
            }

            return n;
        }
    }
}
