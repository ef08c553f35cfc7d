using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace OciImage.Core.Registry;

/// <summary>
/// Bearer tokens per registry and scope (and identity), shared by a session: kept until shortly before they
/// expire, fetched once however many requests wait for the same one, and the last Bearer challenge of each
/// registry, so that a later request can fetch its token before it is refused.
/// </summary>
public sealed class TokenCache
{
    /// <summary>A token is renewed this long before it expires, or at half its life when it lives shorter.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<(string Registry, string Scope), (string Token, DateTimeOffset RenewAt)> _tokens = new();
    private readonly Dictionary<(string Registry, string Scope), Task<string>> _fetching = new();
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<DateTimeOffset> _clock;

    public TokenCache(Func<DateTimeOffset>? clock = null) => _clock = clock ?? (() => DateTimeOffset.UtcNow);

    public string? Get(string registry, string scope) =>
        _tokens.TryGetValue((registry, scope), out var entry) && entry.RenewAt > _clock() ? entry.Token : null;

    public void Put(string registry, string scope, string token, TimeSpan lifetime)
    {
        var margin = lifetime < Margin + Margin ? TimeSpan.FromTicks(lifetime.Ticks / 2) : Margin;
        _tokens[(registry, scope)] = (token, _clock() + lifetime - margin);
    }

    /// <summary>
    /// The token for a scope: the cached one unless it is <paramref name="refused"/>, else the one being fetched
    /// by another request, else a new one from <paramref name="fetch"/>. Parallel callers share one fetch.
    /// </summary>
    public Task<string> GetOrFetchAsync(string registry, string scope, string? refused, Func<Task<(string Token, TimeSpan Lifetime)>> fetch)
    {
        var key = (registry, scope);
        lock (_fetching)
        {
            if (Get(registry, scope) is { } cached && cached != refused)
            {
                return Task.FromResult(cached);
            }

            if (_fetching.TryGetValue(key, out var running) && !running.IsCompleted)
            {
                return running;
            }

            var task = FetchAsync(registry, scope, fetch);
            _fetching[key] = task;
            return task;
        }
    }

    /// <summary>The last Bearer challenge the registry sent, or null.</summary>
    public AuthChallenge? Challenge(string registry) => _challenges.TryGetValue(registry, out var c) ? c : null;

    public void RememberChallenge(string registry, AuthChallenge challenge) => _challenges[registry] = challenge;

    public void Forget(string registry)
    {
        foreach (var key in _tokens.Keys)
        {
            if (string.Equals(key.Registry, registry, StringComparison.OrdinalIgnoreCase))
            {
                _tokens.TryRemove(key, out _);
            }
        }

        _challenges.TryRemove(registry, out _);
    }

    private async Task<string> FetchAsync(string registry, string scope, Func<Task<(string Token, TimeSpan Lifetime)>> fetch)
    {
        // Yield first, so the fetch never completes inside the lock that registers it.
        await Task.Yield();
        var (token, lifetime) = await fetch().ConfigureAwait(false);
        Put(registry, scope, token, lifetime);
        return token;
    }
}
