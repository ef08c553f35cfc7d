using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// TLS to a daemon on tcp, as DOCKER_TLS_VERIFY asks: the server is verified, against the system's roots or the CA
/// in ca.pem (a daemon's own CA, as `dockerd --tlsverify` setups make it), and its name must match; cert.pem and
/// key.pem, when present, authenticate the client. OciImage never skips verification (there is no DOCKER_TLS
/// without it here: an unverified TLS daemon is as open as plain TCP).
/// </summary>
internal static class DaemonTls
{
    private const int MaxPemBytes = 1024 * 1024;

    public static async Task<Stream> AuthenticateAsync(DaemonEndpoint endpoint, string host, Stream plain, CancellationToken cancellationToken)
    {
        var authorities = Authorities(endpoint);
        var tls = new SslStream(plain, leaveInnerStreamOpen: false, (_, certificate, _, errors) => Verify(certificate, errors, authorities));
        try
        {
            var clients = ClientCertificate(endpoint) is { } client ? new X509CertificateCollection { client } : null;
            using (cancellationToken.Register(tls.Dispose))
            {
                await tls.AuthenticateAsClientAsync(host, clients, SslProtocols.None, checkCertificateRevocation: false).ConfigureAwait(false);
            }

            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or ObjectDisposedException)
        {
            tls.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            throw new DaemonUnreachableException(endpoint.Text, endpoint.Source,
                $"the TLS handshake failed ({ex.Message}); the daemon's certificate must be for '{host}' and signed by a system root or the CA in {Path.Combine(endpoint.CertificateFolder ?? "DOCKER_CERT_PATH", "ca.pem")}", ex);
        }
    }

    /// <summary>A chain to a system root, or to one of the given CA certificates (compared whole), with the name matching.</summary>
    private static bool Verify(X509Certificate? certificate, SslPolicyErrors errors, IReadOnlyList<X509Certificate2> authorities)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || authorities.Count == 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
        chain.ChainPolicy.ExtraStore.AddRange(authorities.ToArray());
        var server = new X509Certificate2(certificate);
        if (!chain.Build(server))
        {
            return false;
        }

        // Only "untrusted root" may be left, and that root must be one of ours, byte for byte.
        if (chain.ChainStatus.Any(s => s.Status != X509ChainStatusFlags.UntrustedRoot && s.Status != X509ChainStatusFlags.NoError))
        {
            return false;
        }

        var root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
        return authorities.Any(a => a.RawData.SequenceEqual(root.RawData));
    }

    private static IReadOnlyList<X509Certificate2> Authorities(DaemonEndpoint endpoint)
    {
        var path = endpoint.CertificateFolder is { } folder ? Path.Combine(folder, "ca.pem") : null;
        if (path is null || !File.Exists(path))
        {
            return Array.Empty<X509Certificate2>();
        }

        var text = Encoding.ASCII.GetString(OciImage.Core.IO.BoundedRead.File(path, MaxPemBytes,
            size => new DaemonUnreachableException(endpoint.Text, endpoint.Source, $"{path} is over {MaxPemBytes} bytes"),
            why => new DaemonUnreachableException(endpoint.Text, endpoint.Source, $"{path} cannot be read: {why}")));
        var certificates = new List<X509Certificate2>();
        const string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
        for (var at = text.IndexOf(begin, StringComparison.Ordinal); at >= 0; at = text.IndexOf(begin, at + 1, StringComparison.Ordinal))
        {
            var stop = text.IndexOf(end, at, StringComparison.Ordinal);
            if (stop < 0)
            {
                break;
            }

            try
            {
                certificates.Add(new X509Certificate2(Convert.FromBase64String(text.Substring(at + begin.Length, stop - at - begin.Length).Trim())));
            }
            catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
            {
                throw new DaemonUnreachableException(endpoint.Text, endpoint.Source, $"{path} holds a certificate that cannot be read", ex);
            }
        }

        return certificates;
    }

    /// <summary>cert.pem with key.pem, through X509Certificate2.CreateFromPemFile (PowerShell 7's .NET; Windows PowerShell 5.1 lacks it and says so).</summary>
    private static X509Certificate2? ClientCertificate(DaemonEndpoint endpoint)
    {
        if (endpoint.CertificateFolder is not { } folder || !File.Exists(Path.Combine(folder, "cert.pem")) || !File.Exists(Path.Combine(folder, "key.pem")))
        {
            return null;
        }

        var create = typeof(X509Certificate2).GetMethod("CreateFromPemFile", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(string) }, null)
            ?? throw new DaemonUnreachableException(endpoint.Text, endpoint.Source, "this .NET runtime (Windows PowerShell 5.1's) cannot read a PEM client key; use PowerShell 7, or tunnel the daemon's socket over SSH");
        try
        {
            return (X509Certificate2)create.Invoke(null, new object[] { Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem") })!;
        }
        catch (TargetInvocationException ex)
        {
            throw new DaemonUnreachableException(endpoint.Text, endpoint.Source, $"the client certificate in {folder} (cert.pem, key.pem) cannot be read: {ex.InnerException?.Message}", ex);
        }
    }
}
