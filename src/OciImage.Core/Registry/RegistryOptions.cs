using System;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Registry;

/// <summary>Settings for one registry host, kept per session by Connect-OciRegistry or given per call.</summary>
public sealed class RegistryOptions
{
    public RegistryCredential? Credential { get; init; }

    /// <summary>Plain HTTP (and so any certificate) allowed for a host that is not loopback.</summary>
    public bool AllowInsecure { get; init; }

    /// <summary>
    /// "https" or "http" when the user named the scheme (Connect-OciRegistry https://host:port); null to decide:
    /// https, or http with -AllowInsecure; for loopback, what the port speaks (<see cref="LoopbackTlsProbe"/>).
    /// </summary>
    public string? Scheme { get; init; }

    /// <summary>TLS without certificate validation. Dangerous; the module warns.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>Upload in PATCH chunks of this size; 0 for monolithic uploads unless the registry asks.</summary>
    public long ChunkSize { get; init; }

    public int MaximumRetryCount { get; init; } = 4;

    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No single retry waits longer than this, whatever Retry-After says.</summary>
    public TimeSpan MaximumRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for a response's headers.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A response body must bring at least <see cref="SlowBodyMinimumBytes"/> in every window this long.</summary>
    public TimeSpan SlowBodyWindow { get; init; } = TimeSpan.FromSeconds(30);

    public long SlowBodyMinimumBytes { get; init; } = 32 * 1024;

    /// <summary>
    /// Where this run's requests, retries, 429s and the registries' rate limits are counted; null counts nothing.
    /// A verb makes one per run and passes it with the call's options (<see cref="Merge"/> keeps it).
    /// </summary>
    public RequestLedger? Ledger { get; init; }

    /// <summary>
    /// No manifest GET is started while the registry's known remaining quota (its ratelimit-remaining header,
    /// less the GETs started since) is at or below this: <see cref="Errors.RateLimitReserveReachedException"/>.
    /// HEADs go on (Docker Hub does not count them); null holds nothing back.
    /// </summary>
    public int? RateLimitReserve { get; init; }

    /// <summary>Times the retry waits and the stall windows (a test's own clock runs them without waiting).</summary>
    internal EngineClock Clock { get; init; } = EngineClock.System;

    /// <summary>The same settings with another credential (one side of a copy).</summary>
    public RegistryOptions WithCredential(RegistryCredential? credential) => credential is null ? this : new RegistryOptions
    {
        Credential = credential,
        Scheme = Scheme,
        AllowInsecure = AllowInsecure,
        SkipCertificateCheck = SkipCertificateCheck,
        ChunkSize = ChunkSize,
        MaximumRetryCount = MaximumRetryCount,
        RetryInterval = RetryInterval,
        MaximumRetryDelay = MaximumRetryDelay,
        RequestTimeout = RequestTimeout,
        SlowBodyWindow = SlowBodyWindow,
        SlowBodyMinimumBytes = SlowBodyMinimumBytes,
        Ledger = Ledger,
        RateLimitReserve = RateLimitReserve,
        Clock = Clock,
    };

    /// <summary>The same settings with the scheme the user named (https://host).</summary>
    public RegistryOptions WithScheme(string scheme) => Merge(new RegistryOptions
    {
        Scheme = scheme,
        MaximumRetryCount = MaximumRetryCount,
        RetryInterval = RetryInterval,
        MaximumRetryDelay = MaximumRetryDelay,
        RequestTimeout = RequestTimeout,
        SlowBodyWindow = SlowBodyWindow,
        SlowBodyMinimumBytes = SlowBodyMinimumBytes,
        Clock = Clock,
    });

    /// <summary>These settings, overlaid with the ones given explicitly for one call.</summary>
    public RegistryOptions Merge(RegistryOptions? overrides) => overrides is null ? this : new RegistryOptions
    {
        Credential = overrides.Credential ?? Credential,
        Scheme = overrides.Scheme ?? Scheme,
        AllowInsecure = overrides.AllowInsecure || AllowInsecure,
        SkipCertificateCheck = overrides.SkipCertificateCheck || SkipCertificateCheck,
        ChunkSize = overrides.ChunkSize > 0 ? overrides.ChunkSize : ChunkSize,
        MaximumRetryCount = overrides.MaximumRetryCount,
        RetryInterval = overrides.RetryInterval,
        MaximumRetryDelay = overrides.MaximumRetryDelay,
        RequestTimeout = overrides.RequestTimeout,
        SlowBodyWindow = overrides.SlowBodyWindow,
        SlowBodyMinimumBytes = overrides.SlowBodyMinimumBytes,
        Ledger = overrides.Ledger ?? Ledger,
        RateLimitReserve = overrides.RateLimitReserve ?? RateLimitReserve,
        Clock = overrides.Clock,
    };
}
