using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// Logs every attempt (verbose): method, URL without its query (upload state, signatures), status or failure,
/// and duration; never a header, so never a credential or token. Shows the registry's <c>Warning</c> headers
/// (deprecations, quotas) once each for the life of the transport. Sits next to the wire, so retries, answers to
/// a challenge and redirects are each logged.
/// </summary>
internal sealed class LoggingHandler : DelegatingHandler
{
    private readonly string _registry;
    private readonly RegistryOptions _options;
    private readonly IEngineLog _log;
    private readonly HashSet<string> _warningsShown = new();

    public LoggingHandler(string registry, RegistryOptions options, IEngineLog log)
    {
        _registry = registry;
        _options = options;
        _log = log;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.RequestUri!;
        var clock = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailure.Is(ex, cancellationToken))
        {
            _log.Verbose($"{request.Method} {RegistryTransport.Show(target)} failed: {TransportFailure.Reason(ex, _options)} ({clock.ElapsedMilliseconds} ms)");
            throw;
        }

        _log.Verbose($"{request.Method} {RegistryTransport.Show(target)} {(int)response.StatusCode} ({clock.ElapsedMilliseconds} ms)");
        ShowWarnings(response);
        return response;
    }

    private void ShowWarnings(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Warning", out var values))
        {
            return;
        }

        foreach (var value in values)
        {
            // Warning: 299 - "text" ; show the text once per session of this transport.
            var first = value.IndexOf('"');
            var last = value.LastIndexOf('"');
            var text = first >= 0 && last > first ? value.Substring(first + 1, last - first - 1) : value;
            lock (_warningsShown)
            {
                if (_warningsShown.Add(text))
                {
                    _log.Warning($"{_registry}: {text}");
                }
            }
        }
    }
}
