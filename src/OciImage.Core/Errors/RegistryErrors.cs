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
