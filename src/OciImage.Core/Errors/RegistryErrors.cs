using System;

namespace OciImage.Core.Errors;

/// <summary>The registry refused our credentials, or asked for credentials we do not have.</summary>
/// <param name="credentialsSent">
/// Whether the refused request carried credentials: the message then says which case it is (none found, or
/// refused); null where it is not known.
/// </param>
public sealed class UnauthorizedException(string registry, string detail, bool? credentialsSent = null)
    : OciException("Unauthorized", OciErrorKind.AuthenticationError, credentialsSent switch
    {
        false => $"{registry} needs credentials, and none were found for it ({detail}): sign in with Connect-OciRegistry {registry} (it asks for them), give -Credential, or add them to the docker config (docker login).",
        true => $"{registry} refused the credentials that were sent ({detail}): check the user name and the password or token (Connect-OciRegistry {registry} -Credential ...), or the docker config's entry for it.",
        _ => $"{registry} refused access: {detail}. Check the user name and password (Connect-OciRegistry -Registry {registry} -Credential ...) or the docker config.",
    })
{
    public bool? CredentialsSent { get; } = credentialsSent;
}

/// <summary>Authenticated, but not allowed to do this (DENIED, 403).</summary>
public sealed class AccessDeniedException(string what, string detail)
    : OciException("AccessDenied", OciErrorKind.PermissionDenied,
        $"Access to {what} was denied: {detail}. The credentials used lack the permission (pull, push or delete) this needs.");

/// <summary>A repository the registry does not know (NAME_UNKNOWN).</summary>
public sealed class RepositoryUnknownException(string what, string detail)
    : OciException("RepositoryUnknown", OciErrorKind.NotFound, $"No repository for {what}: the registry does not know it ({detail}).");

/// <summary>A server answered, but /v2/ is not there: a web site, a proxy or a wrong port, not the registry API.</summary>
public sealed class NotARegistryException(string registry, int status)
    : OciException("NotARegistry", OciErrorKind.InvalidArgument,
        $"{registry} is not a registry API endpoint: GET /v2/ answered HTTP {status} where a registry answers 200 or 401. Check the host name and port (Docker Hub is docker.io, GitHub's registry ghcr.io); to keep the settings without this check, use Connect-OciRegistry -SkipCheck.");

/// <summary>The registry could not be reached, after retries.</summary>
public sealed class RegistryUnreachableException(string registry, string detail, Exception? inner = null)
    : OciException("RegistryUnreachable", OciErrorKind.ConnectionError,
        $"Cannot reach {registry}: {detail}. Check the host name, the port and the network; -MaximumRetryCount sets how often to retry.", inner);

/// <summary>
/// The registry sent a request from https to plain http (a redirect, an upload Location): refused unless
/// -AllowInsecure, which follows it without credentials. Or it sent one to a URL that is not http or https at all
/// (file:, ftp:, a UNC path): refused always.
/// </summary>
public sealed class InsecureRedirectException : OciException
{
    public InsecureRedirectException(string registry, string from, string to)
        : base("InsecureRedirect", OciErrorKind.SecurityError,
            $"{registry} sent a request made over https ({from}) on to plain http ({to}); refused, since what it carries would travel in clear text. -AllowInsecure follows such a hop, without credentials.")
    {
    }

    /// <summary>A hop to a URL of another scheme than http or https.</summary>
    public InsecureRedirectException(string registry, string to)
        : base("InsecureRedirect", OciErrorKind.SecurityError,
            $"{registry} sent a request on to {to}, which is not an http or https URL; refused.")
    {
    }
}

/// <summary>
/// The registry kept answering 429 after every retry; or answered 429 asking for a wait longer than the longest
/// retry wait (a Retry-After of hours), or saying its quota is spent, which no short wait mends: then at once,
/// not slept on. <see cref="RetryAfter"/> is what the registry asked for, when it said.
/// </summary>
public sealed class TooManyRequestsException : OciException
{
    public TooManyRequestsException(string registry)
        : this(registry, null, null, null)
    {
    }

    /// <param name="retryAt">When the registry said to come back (now + Retry-After), if it said.</param>
    /// <param name="notWaited">Why the registry's wait was not waited for; null when every retry was spent.</param>
    internal TooManyRequestsException(string registry, TimeSpan? retryAfter, DateTime? retryAt, string? notWaited)
        : base("TooManyRequests", OciErrorKind.LimitsExceeded, Text(registry, retryAfter, retryAt, notWaited))
    {
        RetryAfter = retryAfter;
        RetryAtUtc = retryAt;
    }

    /// <summary>How long the registry asked to be left alone (its Retry-After), or null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>When, in UTC, the registry said to try again, or null.</summary>
    public DateTime? RetryAtUtc { get; }

    private static string Utc(DateTime at) => at.ToString("yyyy-MM-dd HH':'mm':'ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    private static string Text(string registry, TimeSpan? retryAfter, DateTime? retryAt, string? notWaited)
    {
        var when = retryAfter is { } wait
            ? $"it asks for a wait of {OciImage.Core.Registry.RateLimitState.Describe(wait)}{(retryAt is { } at ? $" (until {Utc(at)})" : string.Empty)}"
            : null;
        return notWaited is null
            ? $"{registry} kept answering 429 Too Many Requests after every retry{(when is null ? string.Empty : "; " + when)}; wait, or raise -MaximumRetryCount and -RetryIntervalSec."
            : $"{registry} answered 429 Too Many Requests; {when ?? notWaited}{(when is null ? string.Empty : ", " + notWaited)}: not waited for. Try again {(retryAt is { } again ? $"after {Utc(again)}" : "later")}.";
    }
}

/// <summary>
/// A manifest GET was not started: the registry's remaining quota (its rate-limit headers, less the GETs started
/// since) is at or below -RateLimitReserve. Requests already in flight finished; what is left is for a later run.
/// </summary>
public sealed class RateLimitReserveReachedException(string registry, long remaining, int reserve, TimeSpan? window)
    : OciException("RateLimitReserve", OciErrorKind.LimitsExceeded,
        $"{registry} has {remaining} manifest pulls left{(window is { } w ? $" in its {OciImage.Core.Registry.RateLimitState.Describe(w)} window" : string.Empty)}, at or below -RateLimitReserve {reserve}: no more manifests are fetched from it in this run. Run again once its quota has recovered.")
{
    public string Registry { get; } = registry;

    public long Remaining { get; } = remaining;

    public int Reserve { get; } = reserve;

    /// <summary>The registry's rate-limit window (Docker Hub: 6 h), or null when it did not say.</summary>
    public TimeSpan? Window { get; } = window;
}

/// <summary>Any other error answer from a registry, with its spec error code.</summary>
public sealed class RegistryErrorException(string what, int status, string? code, string detail)
    : OciException("RegistryError", status >= 500 ? OciErrorKind.ResourceUnavailable : OciErrorKind.InvalidArgument,
        $"{what} failed: HTTP {status}{(code is null ? string.Empty : " " + code)}: {detail}.")
{
    public int StatusCode { get; } = status;

    public string? Code { get; } = code;
}

/// <summary>The registry does not implement an operation (tag deletion, catalog).</summary>
public sealed class OperationNotSupportedException(string what, string detail)
    : OciException("OperationNotSupported", OciErrorKind.NotImplemented, $"{what} is not supported here: {detail}.");
