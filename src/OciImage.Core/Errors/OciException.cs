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
        : base(Printable(message), inner)
    {
        ErrorId = errorId;
        Kind = kind;
    }

    public string ErrorId { get; }

    public OciErrorKind Kind { get; }

    /// <summary>The thing that failed (a reference, path or digest), for the ErrorRecord's target.</summary>
    public object? Target { get; init; }

    /// <summary>
    /// Messages quote what others wrote (a registry's or daemon's error text, a file name, a tag): control
    /// characters in them could drive the user's terminal (ESC sequences change colours, titles, worse), so every
    /// one but line feed and tab is shown as U+FFFD, here, once for every error.
    /// </summary>
    internal static string Printable(string message)
    {
        var clean = true;
        foreach (var c in message)
        {
            if (IsControl(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return message;
        }

        var shown = new System.Text.StringBuilder(message.Length);
        foreach (var c in message)
        {
            shown.Append(IsControl(c) ? '\uFFFD' : c);
        }

        return shown.ToString();
    }

    private static bool IsControl(char c) => (c < ' ' && c != '\n' && c != '\t') || (c >= '\u007F' && c <= '\u009F');
}
