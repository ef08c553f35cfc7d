using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Stores;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// Tries again after a connection failure or timeout, a 429 or a 5xx (not 501 Not Implemented nor 505, which do
/// not go away by waiting), waiting as the request's <see cref="RetryBudget"/> says (backoff, or the registry's
/// Retry-After) and only while it has retries left. Each retry is a fresh message to the same URL (after a
/// redirect: the URL redirected to). A refused connection or a host name that does not resolve is tried once more
/// after a quarter second and then fails, saying which (skopeo and crane fail at once; backoff cannot mend them).
/// A request sent with retry off is never sent again. The last failure becomes
/// <see cref="RegistryUnreachableException"/>; a 429 left over, <see cref="TooManyRequestsException"/>, which a 429
/// asking for a longer wait than <see cref="RegistryOptions.MaximumRetryDelay"/>, or saying the quota is spent,
/// becomes at once, never slept on.
/// </summary>
internal sealed class RetryHandler : DelegatingHandler
{
    private readonly string _registry;
    private readonly RegistryOptions _options;
    private readonly IEngineLog _log;

    public RetryHandler(string registry, RegistryOptions options, IEngineLog log)
    {
        _registry = registry;
        _options = options;
        _log = log;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = RegistryRequest.Of(request);
        var target = request.RequestUri!;
        var message = request;
        var quickRetried = false;
        try
        {
            while (true)
            {
                HttpResponseMessage response;
                try
                {
                    response = await base.SendAsync(message, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (TransportFailure.Is(ex, cancellationToken))
                {
                    // A refused connection or an unknown host gets one quick retry (a registry starting up), not the backoff.
                    var hopeless = TransportFailure.Hopeless(ex, message.RequestUri!);
                    if (context.Retry && (hopeless is null
                        ? await context.Budget.TryRetryAsync(_log, null, cancellationToken).ConfigureAwait(false)
                        : !quickRetried && await QuickRetryAsync(context, hopeless, cancellationToken).ConfigureAwait(false)))
                    {
                        quickRetried |= hopeless is not null;
                        message = Next(context, target, message, request);
                        continue;
                    }

                    throw new RegistryUnreachableException(_registry, hopeless ?? TransportFailure.Reason(ex, _options), ex);
                }

                var status = (int)response.StatusCode;
                if (status == 429 && NotWorthWaiting(response) is { } refusal)
                {
                    response.Dispose();
                    throw refusal;
                }

                if (context.Retry && (status == 429 || (status >= 500 && status != 501 && status != 505)))
                {
                    if (await context.Budget.TryRetryAsync(_log, RetryAfter(response), cancellationToken).ConfigureAwait(false))
                    {
                        response.Dispose();
                        message = Next(context, target, message, request);
                        continue;
                    }
                }

                if (status == 429)
                {
                    response.Dispose();
                    throw new TooManyRequestsException(_registry);
                }

                return response;
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

    /// <summary>
    /// A 429 that no retry within the budget can mend, as an error to end with at once: a Retry-After longer than
    /// the longest retry wait (sleeping the cap four times over would not reach it, and hours asleep in a CI job
    /// help no one); or, with no Retry-After, a rate-limit header saying the quota is spent (Docker Hub's window
    /// is six hours). Null for a 429 worth waiting on.
    /// </summary>
    private TooManyRequestsException? NotWorthWaiting(HttpResponseMessage response)
    {
        var now = _options.Clock.UtcNow;
        if (RetryAfter(response) is { } wait)
        {
            return wait > _options.MaximumRetryDelay
                ? new TooManyRequestsException(_registry, wait, now + wait, $"longer than the longest retry wait ({RateLimitState.Describe(_options.MaximumRetryDelay)})")
                : null;
        }

        return RateLimitState.Parse(_registry, response.Headers, now) is { Remaining: 0 } spent
            ? new TooManyRequestsException(_registry, null, null, $"its rate limit is spent ({spent} left)")
            : null;
    }

    /// <summary>The one retry of a failure waiting cannot mend, after <see cref="QuickRetryDelay"/>, out of the budget.</summary>
    private async Task<bool> QuickRetryAsync(RegistryRequest context, string what, CancellationToken cancellationToken)
    {
        if (!context.Budget.TryTake())
        {
            return false;
        }

        _log.Verbose($"{_registry}: {what}; trying once more in {QuickRetryDelay.TotalSeconds:0.###} s.");
        await _options.Clock.Delay(QuickRetryDelay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The wait before the one retry of a refused connection or an unknown host.</summary>
    internal static readonly TimeSpan QuickRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>A fresh message for the next attempt; the one this handler made for the last is done with.</summary>
    private static HttpRequestMessage Next(RegistryRequest context, Uri target, HttpRequestMessage last, HttpRequestMessage request)
    {
        if (!ReferenceEquals(last, request))
        {
            last.Dispose();
        }

        return context.NewMessage(target);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}
