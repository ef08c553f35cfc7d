using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry;

/// <summary>
/// The requests one run (a verb: a copy, a sync) sent to registries, counted where they leave: every attempt by
/// <see cref="RequestKind"/> and registry (retries, answers to a challenge, redirect hops each count), the
/// retries its budgets took, the 429 answers, and the rate limit each registry last announced. A verb makes one
/// and gives it to every store it opens through <see cref="RegistryOptions.Ledger"/>; thread-safe, since a run's
/// requests go in parallel. Also where <see cref="RegistryOptions.RateLimitReserve"/> is kept: a manifest GET is
/// refused before it starts once the quota it would spend is down to the reserve.
/// </summary>
public sealed class RequestLedger
{
    private static readonly RequestKind[] Kinds = (RequestKind[])Enum.GetValues(typeof(RequestKind));

    private readonly ConcurrentDictionary<(string Registry, RequestKind Kind), Counter> _requests = new();
    private readonly ConcurrentDictionary<string, RateLimitState> _limits = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _reserveGate = new();
    private readonly Dictionary<string, GetTally> _gets = new(StringComparer.OrdinalIgnoreCase); // manifest GETs started under a reserve
    private long _retries;
    private long _tooManyRequests;

    /// <summary>Every request sent, of every kind, to every registry.</summary>
    public long Requests => _requests.Values.Sum(c => c.Value);

    /// <summary>Retries taken (after a failure, a 429 or 5xx, a resumed download or a restarted upload).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>429 Too Many Requests answers received (each attempt's).</summary>
    public long TooManyRequests => Interlocked.Read(ref _tooManyRequests);

    /// <summary>Requests of one kind, to one registry or (null) to all.</summary>
    public long Count(RequestKind kind, string? registry = null) =>
        _requests.Where(p => p.Key.Kind == kind && (registry is null || string.Equals(p.Key.Registry, registry, StringComparison.OrdinalIgnoreCase))).Sum(p => p.Value.Value);

    /// <summary>Requests by kind (every kind present, zero when none), to one registry or (null) to all.</summary>
    public IReadOnlyDictionary<RequestKind, long> ByKind(string? registry = null) => Kinds.ToDictionary(k => k, k => Count(k, registry));

    /// <summary>The registries requests went to.</summary>
    public IReadOnlyList<string> Registries => _requests.Keys.Select(k => k.Registry).Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(r => r, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The rate limit each registry that announced one last announced (less the manifest GETs started since).</summary>
    public IReadOnlyList<RateLimitState> RateLimits => _limits.Values.OrderBy(s => s.Registry, StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>The rate limit a registry last announced, or null.</summary>
    public RateLimitState? RateLimitOf(string registry) => _limits.TryGetValue(registry, out var state) ? state : null;

    /// <summary>The lowest remaining quota any registry announced, or null when none did (a summary's one figure).</summary>
    public long? LowestRemaining => _limits.Values.Select(s => (long?)s.Remaining).Min();

    /// <summary>"12 requests (...), 1 retry, 0 × 429; rate limit: ...": for a verbose line at the end of a run.</summary>
    public override string ToString()
    {
        var kinds = ByKind().Where(p => p.Value > 0).Select(p => $"{p.Value} {p.Key}");
        var limits = RateLimits.Select(s => $"{s.Registry} {s} left");
        return $"{Requests} requests ({string.Join(", ", kinds)}), {Retries} retries, {TooManyRequests} answered 429"
            + (_limits.IsEmpty ? string.Empty : "; rate limit: " + string.Join(", ", limits));
    }

    internal void Record(string registry, RequestKind kind) => _requests.GetOrAdd((registry, kind), _ => new Counter()).Increment();

    internal void RecordRetry() => Interlocked.Increment(ref _retries);

    internal void RecordTooManyRequests() => Interlocked.Increment(ref _tooManyRequests);

    /// <summary>What the ledger knew of a registry's manifest GETs as a request left; taken by the request's attempt.</summary>
    internal GetsAtSend Sending(string registry)
    {
        lock (_reserveGate)
        {
            return _gets.TryGetValue(registry, out var tally) ? new GetsAtSend(tally.Started, tally.InFlight) : default;
        }
    }

    /// <summary>
    /// A registry's answer. Its word replaces the estimate (a quota that came back shows) only when no other
    /// manifest GET overlapped the request: none in flight as it left, none started since, none in flight now.
    /// Else the registry may have counted a GET after it wrote this answer (the order answers are read in is not
    /// the order it counted them, and a GET that has ended since is no longer in flight): the estimate only falls,
    /// to what it says less the GETs still in flight.
    /// </summary>
    /// <param name="sent">From <see cref="Sending"/> as the request's attempt left.</param>
    /// <param name="ownGetInFlight">The request is itself a manifest GET counted in flight (and in <paramref name="sent"/>).</param>
    internal void Observe(RateLimitState state, GetsAtSend sent, bool ownGetInFlight = false)
    {
        lock (_reserveGate)
        {
            var own = ownGetInFlight ? 1 : 0;
            var tally = _gets.TryGetValue(state.Registry, out var t) ? t : new GetTally();
            var others = tally.InFlight - own;
            var alone = others <= 0 && sent.InFlight - own <= 0 && tally.Started == sent.Started;
            _limits[state.Registry] = alone || !_limits.TryGetValue(state.Registry, out var known)
                ? state.WithRemaining(Math.Max(0, state.Remaining - Math.Max(0, others)))
                : state.WithRemaining(Math.Max(0, Math.Min(known.Remaining, state.Remaining - Math.Max(0, others))));
        }
    }

    /// <summary>
    /// Before a manifest GET: refuses it (<see cref="RateLimitReserveReachedException"/>) when the registry's last
    /// known remaining quota is at or below <paramref name="reserve"/>; else counts it against the estimate and as
    /// in flight until <see cref="EndManifestGet"/>, so GETs started in parallel before the next answer cannot all
    /// slip under the reserve. Unknown quota: allowed (the first answer tells it).
    /// </summary>
    internal void StartManifestGet(string registry, int reserve)
    {
        lock (_reserveGate)
        {
            if (_limits.TryGetValue(registry, out var state))
            {
                if (state.Remaining <= reserve)
                {
                    throw new RateLimitReserveReachedException(registry, state.Remaining, reserve, state.Window);
                }

                _limits[registry] = state.WithRemaining(state.Remaining - 1);
            }

            if (!_gets.TryGetValue(registry, out var tally))
            {
                _gets[registry] = tally = new GetTally();
            }

            tally.Started++;
            tally.InFlight++;
        }
    }

    /// <summary>A manifest GET <see cref="StartManifestGet"/> let through has ended (answered or failed).</summary>
    internal void EndManifestGet(string registry)
    {
        lock (_reserveGate)
        {
            if (_gets.TryGetValue(registry, out var tally) && tally.InFlight > 0)
            {
                tally.InFlight--;
            }
        }
    }

    /// <summary>A registry's manifest GETs under a reserve: started so far, and not yet ended.</summary>
    private sealed class GetTally
    {
        public long Started;

        public int InFlight;
    }

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }
}

/// <summary>A registry's manifest GETs as a request left: how many had started, how many were in flight.</summary>
internal readonly struct GetsAtSend
{
    public GetsAtSend(long started, int inFlight)
    {
        Started = started;
        InFlight = inFlight;
    }

    public long Started { get; }

    public int InFlight { get; }
}
