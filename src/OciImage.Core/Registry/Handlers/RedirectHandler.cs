using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// Follows 301, 302, 303, 307 and 308 for GET and HEAD (a blob served from storage elsewhere), at most five per
/// request, each with a fresh message. Outermost, so that every hop is authenticated, retried (out of the same
/// budget) and logged by the handlers below; a hop to another origin never carries the registry's Authorization
/// nor any other secret header, and an https request never goes on over http: the <see cref="OriginHandler"/>
/// next to the wire holds both rules for every hop.
/// </summary>
internal sealed class RedirectHandler : DelegatingHandler
{
    /// <summary>Redirects a request may follow.</summary>
    public const int MaximumRedirects = 5;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = RegistryRequest.Of(request);
        var message = request;
        try
        {
            while (true)
            {
                var response = await base.SendAsync(message, cancellationToken).ConfigureAwait(false);
                if (!IsRedirect(response) || response.Headers.Location is not { } location || !(message.Method == HttpMethod.Get || message.Method == HttpMethod.Head))
                {
                    return response;
                }

                response.Dispose();
                if (++context.Redirects > MaximumRedirects)
                {
                    throw new RegistryErrorException($"{context.Method} {RegistryTransport.Show(context.Uri)}", 310, null, $"more than {MaximumRedirects} redirects");
                }

                var from = message.RequestUri!;
                var target = location.IsAbsoluteUri ? location : new Uri(from, location);
                var next = context.NewMessage(target);

                if (!ReferenceEquals(message, request))
                {
                    message.Dispose();
                }

                message = next;
            }
        }
        finally
        {
            if (!ReferenceEquals(message, request))
            {
                message.Dispose();
            }
        }
    }

    private static bool IsRedirect(HttpResponseMessage response) => (int)response.StatusCode is 301 or 302 or 303 or 307 or 308;
}
