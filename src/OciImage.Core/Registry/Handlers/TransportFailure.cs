using System;
using System.IO;
using System.Net.Http;
using System.Threading;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// What counts as "the registry could not be reached" for one attempt (a connection failure, an I/O error or
/// no answer within the request timeout, but not the caller cancelling), and how it is told.
/// </summary>
internal static class TransportFailure
{
    public static bool Is(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && (ex is HttpRequestException || ex is OperationCanceledException || ex is IOException);

    public static string Reason(Exception ex, RegistryOptions options) =>
        ex is OperationCanceledException ? $"no answer within {options.RequestTimeout.TotalSeconds:0} s" : Innermost(ex);

    public static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }
}
