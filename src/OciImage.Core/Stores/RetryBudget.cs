using System;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Stores;

/// <summary>
/// The attempts one logical request may make: -MaximumRetryCount + 1, shared by every layer that tries again
/// (the transport after a connection failure, 429 or 5xx; a download resuming with Range; a transfer starting
/// an upload again). Layers that each kept their own count multiplied them (5 GETs x 3 restarts). Part of the
/// store contract: whoever moves a blob (the copier, the composer) makes one and hands it to the blob transfer,
/// which makes it current while the stores work; a store that retries draws from the current one, and a request
/// sent outside any budget gets one of its own.
/// </summary>
internal sealed class RetryBudget
{
    private static readonly AsyncLocal<RetryBudget?> Ambient = new();
    private readonly object _gate = new();
    private Settings? _settings;
    private Registry.RequestLedger? _ledger;
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
                return _settings is not null && _retries < _settings.MaximumRetryCount;
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
    /// Learns the retry settings of a store that retries (a registry) sent to under this budget; the smallest
    /// count wins. A budget no such store was asked under allows no retry (a file system error does not go away
    /// by waiting).
    /// </summary>
    /// <param name="ledger">Where the retries taken are counted (the run's), when the store keeps one.</param>
    internal void Observe(int maximumRetryCount, TimeSpan retryInterval, TimeSpan maximumRetryDelay, EngineClock clock, Registry.RequestLedger? ledger = null)
    {
        lock (_gate)
        {
            _ledger ??= ledger;
            if (_settings is null || maximumRetryCount < _settings.MaximumRetryCount)
            {
                _settings = new Settings(maximumRetryCount, retryInterval, maximumRetryDelay, clock);
            }
        }
    }

    /// <summary>Takes a retry without waiting (a resume after a dropped body); false when none is left.</summary>
    public bool TryTake()
    {
        lock (_gate)
        {
            if (_settings is null || _retries >= _settings.MaximumRetryCount)
            {
                return false;
            }

            _retries++;
            _ledger?.RecordRetry();
            return true;
        }
    }

    /// <summary>
    /// Takes a retry and waits before it: the interval doubled for each retry already taken, or the registry's
    /// Retry-After, never longer than the maximum delay. False, at once, when none is left.
    /// </summary>
    public async Task<bool> TryRetryAsync(IEngineLog log, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        Settings options;
        int taken;
        lock (_gate)
        {
            if (_settings is null || _retries >= _settings.MaximumRetryCount)
            {
                return false;
            }

            options = _settings;
            taken = _retries++;
            _ledger?.RecordRetry();
        }

        var delay = retryAfter ?? TimeSpan.FromMilliseconds(options.RetryInterval.TotalMilliseconds * Math.Pow(2, taken));
        if (delay > options.MaximumRetryDelay)
        {
            delay = options.MaximumRetryDelay;
        }

        log.Verbose($"Retrying in {delay.TotalSeconds:0.###} s (retry {taken + 1} of {options.MaximumRetryCount}).");
        await options.Clock.Delay(delay, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private sealed record Settings(int MaximumRetryCount, TimeSpan RetryInterval, TimeSpan MaximumRetryDelay, EngineClock Clock);

    private sealed class Restore(RetryBudget? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
