using System;
using System.Collections.Concurrent;

namespace OciImage.Core.Registry;

/// <summary>Bearer tokens per registry and scope, until shortly before they expire.</summary>
public sealed class TokenCache
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<(string Registry, string Scope), (string Token, DateTimeOffset Expires)> _tokens = new();

    public string? Get(string registry, string scope) =>
        _tokens.TryGetValue((registry, scope), out var entry) && entry.Expires - Margin > DateTimeOffset.UtcNow ? entry.Token : null;

    public void Put(string registry, string scope, string token, TimeSpan lifetime) =>
        _tokens[(registry, scope)] = (token, DateTimeOffset.UtcNow + lifetime);

    public void Forget(string registry)
    {
        foreach (var key in _tokens.Keys)
        {
            if (string.Equals(key.Registry, registry, StringComparison.OrdinalIgnoreCase))
            {
                _tokens.TryRemove(key, out _);
            }
        }
    }
}
