using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// The one place that decides what leaves for where, just before the wire, for every hop of every request
/// (redirects, upload Locations, pages, retries): a request to an https registry never goes on over plain http
/// (<see cref="InsecureRedirectException"/>) unless -AllowInsecure; and a request to any other origin (scheme, host
/// and port) than the registry's carries only the headers listed here as public, so no Authorization, cookie or
/// header a future caller adds can follow it; a request to a URL that is not http or https at all is refused. Nothing
/// after this handler adds headers.
/// </summary>
internal sealed class OriginHandler : DelegatingHandler
{
    /// <summary>Headers that carry no secret: everything else stays with the registry's origin.</summary>
    private static readonly HashSet<string> Public = new(StringComparer.OrdinalIgnoreCase)
    {
        "Accept", "Accept-Encoding", "Accept-Language", "Range", "If-Range", "If-Match", "If-None-Match",
        "If-Modified-Since", "If-Unmodified-Since", "User-Agent", "Cache-Control", "Pragma", "Expect",
    };

    private readonly string _registry;
    private readonly Origin _origin;
    private readonly bool _allowInsecure;

    public OriginHandler(string registry, Uri baseUri, RegistryOptions options)
    {
        _registry = registry;
        _origin = Origin.Of(baseUri);
        _allowInsecure = options.AllowInsecure;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = Origin.Of(request.RequestUri!);
        if (target.Scheme is not ("http" or "https"))
        {
            // A redirect or upload Location to file:, ftp:, a UNC path...: never followed (the HTTP stack would throw its own error).
            throw new InsecureRedirectException(_registry, RegistryTransport.Show(request.RequestUri!));
        }

        if (_origin.IsHttps && !target.IsHttps && !_allowInsecure)
        {
            throw new InsecureRedirectException(_registry, _origin.ToString(), RegistryTransport.Show(request.RequestUri!));
        }

        if (target != _origin)
        {
            foreach (var name in request.Headers.Select(h => h.Key).Where(n => !Public.Contains(n)).ToList())
            {
                request.Headers.Remove(name);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}
