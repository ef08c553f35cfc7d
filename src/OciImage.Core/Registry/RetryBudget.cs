using System;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry;

/// <summary>
/// The attempts one logical request may make: -MaximumRetryCount + 1, shared by every layer that tries again
/// (the transport after a connection failure, 429 or 5xx; a download resuming with Range; a transfer starting
/// an upload again). Layers that each kept their own count multiplied them (5 GETs x 3 restarts). The budget
/// flows with the async call, so a transfer opens one and everything sent under it draws from it; a request sent
/// outside any budget gets one of its own.
/// </summary>
public sealed class RetryBudget
{
    private static readonly AsyncLocal<RetryBudget?> Ambient = new();
    private readonly object _gate = new();
    private RegistryOptions? _options;
    private int _retries;

    /// <summary>The budget of the request under way, or null.</summary>
    public static RetryBudget? Current => Ambient.Value;

    /// <summary>Retries taken so far.</summary>
    public int RetriesTaken
    {
        get
        {
            lock (_gate)
            {
                return _retries;
            }
        }
    }

    /// <summary>True while another attempt may be made.</summary>
    public bool CanRetry
    {
        get
        {
            lock (_gate)
            {
                return _options is not null && _retries < _options.MaximumRetryCount;
            }
        }
    }

    /// <summary>Makes a budget the current one for the calling async flow until the result is disposed.</summary>
    public static IDisposable Enter(RetryBudget budget)
    {
        var previous = Ambient.Value;
        Ambient.Value = budget;
        return new Restore(previous);
    }

    /// <summary>
    /// Learns the retry settings of a registry sent to under this budget; the smallest count wins. A budget no
    /// registry was asked under allows no retry (a file system error does not go away by waiting).
    /// </summary>
    public void Observe(RegistryOptions options)
    {
        lock (_gate)
        {
            if (_options is null || options.MaximumRetryCount < _options.MaximumRetryCount)
            {
                _options = options;
            }
        }
    }

    /// <summary>Takes a retry without waiting (a resume after a dropped body); false when none is left.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            if (_options is null || _retries >= _options.MaximumRetryCount)
            {
                return false;
            }

            _retries++;
            return true;
        }
    }

    /// <summary>
    /// Takes a retry and waits before it: the interval doubled for each retry already taken, or the registry's
    /// Retry-After, never longer than the maximum delay. False, at once, when none is left.
    /// </summary>
    public async Task<bool> TryRetryAsync(IEngineLog log, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        RegistryOptions options;
        int taken;
        lock (_gate)
        {
            if (_options is null || _retries >= _options.MaximumRetryCount)
            {
                return false;
            }

            options = _options;
            taken = _retries++;
        }

        var delay = retryAfter ?? TimeSpan.FromMilliseconds(options.RetryInterval.TotalMilliseconds * Math.Pow(2, taken));
        if (delay > options.MaximumRetryDelay)
        {
            delay = options.MaximumRetryDelay;
        }

        log.Verbose($"Retrying in {delay.TotalSeconds:0.###} s (retry {taken + 1} of {options.MaximumRetryCount}).");
        await options.Delay(delay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private sealed class Restore(RetryBudget? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
