using System;

namespace OciImage.Core.Errors;

/// <summary>The registry refused our credentials, or asked for credentials we do not have.</summary>
public sealed class UnauthorizedException(string registry, string detail)
    : OciException("Unauthorized", OciErrorKind.AuthenticationError,
        $"{registry} refused access: {detail}. Check the user name and password (Connect-OciRegistry -Registry {registry} -Credential ...) or the docker config.");

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
/// -AllowInsecure, which follows it without credentials.
/// </summary>
public sealed class InsecureRedirectException(string registry, string from, string to)
    : OciException("InsecureRedirect", OciErrorKind.SecurityError,
        $"{registry} sent a request made over https ({from}) on to plain http ({to}); refused, since what it carries would travel in clear text. -AllowInsecure follows such a hop, without credentials.");

/// <summary>The registry kept answering 429 after every retry.</summary>
public sealed class TooManyRequestsException(string registry)
    : OciException("TooManyRequests", OciErrorKind.LimitsExceeded,
        $"{registry} kept answering 429 Too Many Requests after every retry; wait, or raise -MaximumRetryCount and -RetryIntervalSec.");

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
