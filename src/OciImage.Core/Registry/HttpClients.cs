using System;
using System.Collections.Concurrent;
using System.Net.Http;

namespace OciImage.Core.Registry;

/// <summary>
/// One HttpClient per TLS policy for the whole process, so connections are reused across cmdlets and
/// requests. Redirects are followed by hand (to drop Authorization on another host); the system proxy
/// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) is honoured by the handler.
/// </summary>
internal static class HttpClients
{
    private static readonly ConcurrentDictionary<bool, HttpClient> Clients = new();

    public static HttpClient For(bool skipCertificateCheck) => Clients.GetOrAdd(skipCertificateCheck, skip =>
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseProxy = true,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxConnectionsPerServer = 32,
        };
        if (skip)
        {
            handler.ServerCertificateCustomValidationCallback = (_, _, _, _) => true;
        }

        // Per-request timeouts come from a CancellationToken; the client's own must not cut long blob streams.
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    });
}
