using System;
using System.Globalization;
using System.Linq;
using System.Net.Http.Headers;

namespace OciImage.Core.Registry;

/// <summary>
/// What a registry last said of its rate limit: Docker Hub's <c>ratelimit-limit: 100;w=21600</c> and
/// <c>ratelimit-remaining: 76;w=21600</c>, the <c>x-ratelimit-limit</c> / <c>x-ratelimit-remaining</c> spellings
/// others use, or the IETF draft's <c>RateLimit: limit=100, remaining=76</c> with <c>RateLimit-Policy: 100;w=21600</c>.
/// A header that does not parse is ignored, never thrown on: it is the registry's advice, not a contract.
/// </summary>
public sealed class RateLimitState
{
    /// <summary>The most a registry could sensibly announce; a larger number is junk, not a quota.</summary>
    private const long Largest = int.MaxValue;

    public RateLimitState(string registry, long? limit, long remaining, TimeSpan? window, DateTime seenUtc)
    {
        Registry = registry;
        Limit = limit;
        Remaining = remaining;
        Window = window;
        SeenUtc = seenUtc;
    }

    /// <summary>The registry the headers came from (host[:port], as references name it).</summary>
    public string Registry { get; }

    /// <summary>Requests allowed in a window; null when only the remaining count was announced.</summary>
    public long? Limit { get; }

    /// <summary>Requests left in the current window.</summary>
    public long Remaining { get; }

    /// <summary>The window (Docker Hub: 21600 s, six hours); null when not announced.</summary>
    public TimeSpan? Window { get; }

    public DateTime SeenUtc { get; }

    /// <summary>The same state with <paramref name="remaining"/> left (a manifest GET started since).</summary>
    internal RateLimitState WithRemaining(long remaining) => new(Registry, Limit, remaining, Window, SeenUtc);

    public override string ToString() =>
        $"{Remaining}{(Limit is { } limit ? " of " + limit.ToString(CultureInfo.InvariantCulture) : string.Empty)}{(Window is { } w ? $" per {Describe(w)}" : string.Empty)}";

    /// <summary>"6 h", "90 min", "45 s": whole hours or minutes where the span is one.</summary>
    internal static string Describe(TimeSpan span) => string.Format(CultureInfo.InvariantCulture,
        span.TotalHours >= 1 && span.TotalHours % 1 == 0 ? "{0:0} h" : span.TotalMinutes >= 1 && span.TotalMinutes % 1 == 0 ? "{1:0} min" : "{2:0.#} s",
        span.TotalHours, span.TotalMinutes, span.TotalSeconds);

    /// <summary>The rate limit a response announces, or null when it announces none that parses.</summary>
    public static RateLimitState? Parse(string registry, HttpResponseHeaders headers, DateTime seenUtc)
    {
        var remaining = Value(headers, "ratelimit-remaining") ?? Value(headers, "x-ratelimit-remaining");
        var limit = Value(headers, "ratelimit-limit") ?? Value(headers, "x-ratelimit-limit");
        if (remaining is null && First(headers, "ratelimit") is { } draft && Parameter(draft, "remaining") is { } r && Count(r) is { } n)
        {
            // IETF draft: RateLimit: limit=100, remaining=76, reset=50
            remaining = (n, null);
            limit ??= Parameter(draft, "limit") is { } l && Count(l) is { } m ? (m, null) : null;
        }

        if (remaining is not { } left)
        {
            return null;
        }

        var window = left.Window ?? limit?.Window ?? Value(headers, "ratelimit-policy")?.Window;
        return new RateLimitState(registry, limit?.Count, left.Count, window, seenUtc);
    }

    /// <summary>"76;w=21600" (or "76", "100, 100;w=60"): the first part's count, and the first window any part names.</summary>
    private static (long Count, TimeSpan? Window)? Value(HttpResponseHeaders headers, string name)
    {
        if (First(headers, name) is not { } text)
        {
            return null;
        }

        var parts = text.Split(',').Select(Part).ToList();
        return parts[0] is { } first ? (first.Count, first.Window ?? parts.Select(p => p?.Window).FirstOrDefault(w => w is not null)) : null;
    }

    private static (long Count, TimeSpan? Window)? Part(string part)
    {
        var pieces = part.Split(';');
        if (Count(pieces[0]) is not { } count)
        {
            return null;
        }

        TimeSpan? window = null;
        foreach (var piece in pieces.Skip(1))
        {
            var pair = piece.Split('=');
            if (pair.Length == 2 && pair[0].Trim().Equals("w", StringComparison.OrdinalIgnoreCase) && Count(pair[1]) is { } seconds && seconds > 0)
            {
                window = TimeSpan.FromSeconds(seconds);
            }
        }

        return (count, window);
    }

    /// <summary>A plain non-negative decimal no larger than <see cref="Largest"/>; anything else (signs, hex, junk) is null.</summary>
    private static long? Count(string text) =>
        long.TryParse(text.Trim().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= Largest ? n : null;

    private static string? Parameter(string text, string name) =>
        text.Split(',', ';').Select(p => p.Split('=')).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1]).FirstOrDefault();

    private static string? First(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v)) : null;
}
