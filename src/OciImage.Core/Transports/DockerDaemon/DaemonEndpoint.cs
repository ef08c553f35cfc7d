using System;
using System.Net;
using System.Runtime.InteropServices;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>How the Docker Engine API is reached.</summary>
internal enum DaemonEndpointKind
{
    Unix,
    NamedPipe,
    Tcp,
}

/// <summary>
/// Where a Docker Engine API listens, as DOCKER_HOST writes it: <c>unix:///var/run/docker.sock</c>,
/// <c>npipe:////./pipe/docker_engine</c>, <c>tcp://host:port</c>. <see cref="Source"/> says where the setting came
/// from (DOCKER_HOST, a context, the default), for messages that tell the user what to change.
/// </summary>
internal sealed class DaemonEndpoint
{
    private DaemonEndpoint(DaemonEndpointKind kind, string address, string text, string source)
    {
        Kind = kind;
        Address = address;
        Text = text;
        Source = source;
    }

    public DaemonEndpointKind Kind { get; }

    /// <summary>For tcp: TLS, with the server verified against the system's roots and the CA in <see cref="CertificateFolder"/> (DOCKER_TLS_VERIFY, or a context's TLS material).</summary>
    public bool Tls { get; private set; }

    /// <summary>Where ca.pem (and, for client authentication, cert.pem and key.pem) are: DOCKER_CERT_PATH, ~/.docker, or a context's tls folder.</summary>
    public string? CertificateFolder { get; private set; }

    /// <summary>This endpoint with TLS on tcp, its material in <paramref name="folder"/>.</summary>
    public DaemonEndpoint WithTls(string? folder) =>
        Kind == DaemonEndpointKind.Tcp ? new DaemonEndpoint(Kind, Address, Text, Source) { Tls = true, CertificateFolder = folder } : this;

    /// <summary>The socket path, the pipe name (without \\.\pipe\), or host:port.</summary>
    public string Address { get; }

    /// <summary>The endpoint as written (unix:///var/run/docker.sock).</summary>
    public string Text { get; }

    /// <summary>Where the endpoint was found: "DOCKER_HOST", "Docker context 'NAME'", "the default".</summary>
    public string Source { get; }

    /// <summary>The platform's default: the Unix socket /var/run/docker.sock, or the named pipe docker_engine on Windows.</summary>
    public static DaemonEndpoint Default =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? Parse("npipe:////./pipe/docker_engine", "the default")
            : Parse("unix:///var/run/docker.sock", "the default");

    /// <summary>Parses a DOCKER_HOST value; anything else (ssh://, http://, a bare path) is DaemonUnreachable naming the setting.</summary>
    public static DaemonEndpoint Parse(string text, string source)
    {
        var value = text.Trim();
        if (value.StartsWith("unix://", StringComparison.OrdinalIgnoreCase))
        {
            var path = value.Substring("unix://".Length);
            if (path.Length == 0 || path.IndexOf('\0') >= 0)
            {
                throw Unsupported(value, source, "the socket path is empty");
            }

            return new DaemonEndpoint(DaemonEndpointKind.Unix, path, value, source);
        }

        if (value.StartsWith("npipe://", StringComparison.OrdinalIgnoreCase))
        {
            // npipe:////./pipe/docker_engine: the pipe name is what follows "pipe/" on the local machine (".").
            var rest = value.Substring("npipe://".Length).Replace('\\', '/').TrimStart('/');
            const string local = "./pipe/";
            if (!rest.StartsWith(local, StringComparison.OrdinalIgnoreCase) || rest.Length == local.Length)
            {
                throw Unsupported(value, source, "only a pipe on this machine (npipe:////./pipe/NAME) can be used");
            }

            return new DaemonEndpoint(DaemonEndpointKind.NamedPipe, rest.Substring(local.Length), value, source);
        }

        if (value.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase))
        {
            var authority = value.Substring("tcp://".Length).TrimEnd('/');
            if (!Uri.TryCreate("tcp://" + authority, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.PathAndQuery != "/")
            {
                throw Unsupported(value, source, "it is not tcp://HOST:PORT");
            }

            var port = uri.IsDefaultPort || uri.Port <= 0 ? 2375 : uri.Port;
            return new DaemonEndpoint(DaemonEndpointKind.Tcp, uri.Host + ":" + port, value, source);
        }

        throw Unsupported(value, source, "OciImage reaches a Docker daemon by unix://, npipe:// or tcp:// (for ssh://, forward the socket: ssh -L)");
    }

    /// <summary>For tcp: the host and port.</summary>
    public (string Host, int Port) HostAndPort()
    {
        var colon = Address.LastIndexOf(':');
        return (Address.Substring(0, colon).Trim('[', ']'), int.Parse(Address.Substring(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>For tcp: whether the host is this machine (plain TCP is allowed only there).</summary>
    public bool IsLoopback
    {
        get
        {
            var host = HostAndPort().Host;
            return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        }
    }

    public override string ToString() => Text;

    private static DaemonUnreachableException Unsupported(string value, string source, string reason) =>
        new(value, source, $"'{value}' is not an endpoint OciImage can use: {reason}");
}
