using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// The end of the chain: sends one attempt with the process-wide <see cref="HttpClient"/> of the TLS policy
/// (redirects not followed, connections reused), returning at the headers, within the request timeout.
/// </summary>
internal sealed class SharedClientHandler : HttpMessageHandler
{
    private readonly HttpClient _http;
    private readonly RegistryOptions _options;

    public SharedClientHandler(HttpClient http, RegistryOptions options)
    {
        _http = http;
        _options = options;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // The timeout covers the wait for the headers only; the body is the slow-body guard's.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
    }
}
