using System;
using System.IO;
using System.Management.Automation;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>The one place where engine exceptions become ErrorRecords with a stable ErrorId and category.</summary>
internal static class ErrorMapping
{
    /// <summary>
    /// Errors that say something about the input or the machine. An ArgumentException counts only when the
    /// runtime raised it (a malformed path, say): raised by this module's own code it is a bug, reported as
    /// InternalError rather than blamed on the user.
    /// </summary>
    public static bool IsExpected(Exception ex) =>
        ex is OciException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException;

    private static bool RaisedByThisModule(Exception ex) =>
        ex.TargetSite?.DeclaringType?.Assembly is { } origin
        && (origin == typeof(ErrorMapping).Assembly || origin == typeof(OciException).Assembly);

    public static ErrorRecord ToErrorRecord(Exception ex, object? target)
    {
        return ex switch
        {
            OciException oci => new ErrorRecord(oci, oci.ErrorId, Category(oci.Kind), oci.Target ?? target)
            {
                ErrorDetails = new ErrorDetails(oci.Message),
            },
            UnauthorizedAccessException => new ErrorRecord(ex, "FileAccessDenied", ErrorCategory.PermissionDenied, target)
            {
                ErrorDetails = new ErrorDetails($"Access denied: {ex.Message} Check the permissions of the path."),
            },
            IOException => new ErrorRecord(ex, "FileSystemError", ErrorCategory.WriteError, target)
            {
                ErrorDetails = new ErrorDetails($"A file operation failed: {ex.Message}"),
            },
            ArgumentException when RaisedByThisModule(ex) => new ErrorRecord(ex, "InternalError", ErrorCategory.NotSpecified, target)
            {
                ErrorDetails = new ErrorDetails($"OciImage failed unexpectedly ({ex.GetType().Name}: {ex.Message}). This is a bug; please report it with the command that caused it."),
            },
            _ => new ErrorRecord(ex, "InvalidArgument", ErrorCategory.InvalidArgument, target),
        };
    }

    public static ErrorCategory Category(OciErrorKind kind) => kind switch
    {
        OciErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        OciErrorKind.InvalidData => ErrorCategory.InvalidData,
        OciErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        OciErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        OciErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        OciErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        OciErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        OciErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        OciErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        OciErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        OciErrorKind.SecurityError => ErrorCategory.SecurityError,
        _ => ErrorCategory.NotSpecified,
    };
}
