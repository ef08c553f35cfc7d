using System;

namespace OciImage.Core.Errors;

/// <summary>What kind of failure an engine error is; the module maps it to a PowerShell ErrorCategory.</summary>
public enum OciErrorKind
{
    InvalidArgument,
    InvalidData,
    NotFound,
    ResourceUnavailable,
    PermissionDenied,
    AuthenticationError,
    ConnectionError,
    LimitsExceeded,
    ResourceExists,
    NotImplemented,
    SecurityError,
}

/// <summary>
/// Base of every error the engine raises on purpose. <see cref="ErrorId"/> is stable and documented,
/// so scripts can match on it; the message says what failed and what to do.
/// </summary>
public abstract class OciException : Exception
{
    protected OciException(string errorId, OciErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public string ErrorId { get; }

    public OciErrorKind Kind { get; }

    /// <summary>The thing that failed (a reference, path or digest), for the ErrorRecord's target.</summary>
    public object? Target { get; init; }
}
