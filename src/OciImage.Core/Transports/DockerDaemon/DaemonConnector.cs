using System;
using System.IO;
using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// Opens one connection to the daemon: a Unix socket, a named pipe or TCP. The engine targets netstandard2.0,
/// which has no Unix-socket endpoint type and no way to give HttpClient a socket of its own; so the socket is
/// opened here (UnixDomainSocketEndPoint, which every .NET Core runtime has, found at run time) and spoken to by
/// <see cref="DaemonHttp"/>, a small HTTP/1.1 exchange. Windows PowerShell 5.1 (.NET Framework) reaches Docker
/// Desktop by its named pipe, which it has; a Unix socket there is a clear error.
/// </summary>
internal static class DaemonConnector
{
    /// <summary>Connecting is local and quick; a daemon that does not accept within this is not there.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static async Task<Stream> ConnectAsync(DaemonEndpoint endpoint, CancellationToken cancellationToken)
    {
        switch (endpoint.Kind)
        {
            case DaemonEndpointKind.Unix:
                return await ConnectSocketAsync(endpoint, new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), UnixEndPoint(endpoint), cancellationToken).ConfigureAwait(false);
            case DaemonEndpointKind.Tcp:
                if (!endpoint.IsLoopback && !endpoint.Tls)
                {
                    throw new DaemonUnreachableException(endpoint.Text, endpoint.Source,
                        "plain TCP carries the daemon's full control in clear text, so OciImage uses it only on this machine; for a remote daemon set DOCKER_TLS_VERIFY=1 (with ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH), or tunnel its socket (ssh -L /tmp/docker.sock:/var/run/docker.sock HOST, then DOCKER_HOST=unix:///tmp/docker.sock)");
                }

                var (host, port) = endpoint.HostAndPort();
                var addresses = IPAddress.TryParse(host, out var ip) ? new[] { ip } : await ResolveAsync(endpoint, host).ConfigureAwait(false);
                Stream? plain = null;
                for (var i = 0; plain is null; i++)
                {
                    // Each address of the name in turn (localhost may be ::1 first while the daemon listens on 127.0.0.1).
                    try
                    {
                        plain = await ConnectSocketAsync(endpoint, new Socket(addresses[i].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, new IPEndPoint(addresses[i], port), cancellationToken).ConfigureAwait(false);
                    }
                    catch (DaemonUnreachableException) when (i + 1 < addresses.Length)
                    {
                    }
                }

                return endpoint.Tls ? await DaemonTls.AuthenticateAsync(endpoint, host, plain, cancellationToken).ConfigureAwait(false) : plain;
            default:
                return await ConnectPipeAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(DaemonEndpoint endpoint, string host)
    {
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host).ConfigureAwait(false);
            return addresses.Length > 0 ? addresses : throw new DaemonUnreachableException(endpoint.Text, endpoint.Source, $"the host name '{host}' has no address");
        }
        catch (SocketException ex)
        {
            throw new DaemonUnreachableException(endpoint.Text, endpoint.Source, $"the host name '{host}' does not resolve", ex);
        }
    }

    private static EndPoint UnixEndPoint(DaemonEndpoint endpoint)
    {
        var type = Type.GetType("System.Net.Sockets.UnixDomainSocketEndPoint, System.Net.Sockets", throwOnError: false);
        if (type is null)
        {
            throw new DaemonUnreachableException(endpoint.Text, endpoint.Source,
                "this .NET runtime (Windows PowerShell 5.1's .NET Framework) cannot open Unix sockets; use PowerShell 7, or Docker Desktop's named pipe (npipe:////./pipe/docker_engine)");
        }

        return (EndPoint)Activator.CreateInstance(type, endpoint.Address)!;
    }

    private static async Task<Stream> ConnectSocketAsync(DaemonEndpoint endpoint, Socket socket, EndPoint target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            // netstandard2.0's ConnectAsync takes no token: closing the socket is how a wait is ended.
            using (timeout.Token.Register(socket.Dispose))
            {
                await socket.ConnectAsync(target).ConfigureAwait(false);
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            if (ex is SocketException { SocketErrorCode: SocketError.AccessDenied })
            {
                throw new DaemonAccessDeniedException(endpoint.Text, ex);
            }

            var detail = ex switch
            {
                SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.HostNotFound } => endpoint.Kind == DaemonEndpointKind.Unix ? $"there is no socket at {endpoint.Address}" : ex.Message,
                SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "nothing accepts connections there",
                _ when timeout.IsCancellationRequested => $"it did not accept a connection within {ConnectTimeout.TotalSeconds:0} s",
                _ => ex.Message,
            };
            if (endpoint.Kind == DaemonEndpointKind.Unix && !File.Exists(endpoint.Address))
            {
                detail = $"there is no socket at {endpoint.Address}";
            }

            throw new DaemonUnreachableException(endpoint.Text, endpoint.Source, detail, ex);
        }
    }

    private static async Task<Stream> ConnectPipeAsync(DaemonEndpoint endpoint, CancellationToken cancellationToken)
    {
        var pipe = new NamedPipeClientStream(".", endpoint.Address, PipeDirection.InOut, PipeOptions.Asynchronous);
        try
        {
            await pipe.ConnectAsync((int)ConnectTimeout.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
            return pipe;
        }
        catch (UnauthorizedAccessException ex)
        {
            pipe.Dispose();
            throw new DaemonAccessDeniedException(endpoint.Text, ex);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or PlatformNotSupportedException)
        {
            pipe.Dispose();
            throw new DaemonUnreachableException(endpoint.Text, endpoint.Source, ex is TimeoutException ? "the pipe does not exist or did not accept a connection" : ex.Message, ex);
        }
    }
}
