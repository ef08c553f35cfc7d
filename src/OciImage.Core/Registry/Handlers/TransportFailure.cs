using System;
using System.IO;
using System.Net.Http;
using System.Threading;

namespace OciImage.Core.Registry.Handlers;

/// <summary>
/// What counts as "the registry could not be reached" for one attempt (a connection failure, an I/O error or
/// no answer within the request timeout, but not the caller cancelling), and how it is told. Only a failure of
/// sending counts: an I/O error of a handler's own work (reading the docker config, a token request shared with
/// another caller) is marked with <see cref="NotOfTheWire"/> and goes to the caller as it is, never retried.
/// </summary>
internal static class TransportFailure
{
    private const string Mark = "OciImage.NotATransportFailure";

    public static bool Is(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && (ex is HttpRequestException || ex is OperationCanceledException || ex is IOException)
        && !ex.Data.Contains(Mark);

    /// <summary>
    /// Marks an exception of a handler's own work as no failure of the transport. Meant as an exception filter:
    /// always false, so the exception goes on unchanged.
    /// </summary>
    public static bool NotOfTheWire(Exception ex)
    {
        try
        {
            ex.Data[Mark] = true;
        }
        catch (Exception)
        {
            // Data of some exceptions is read-only: such an exception is then treated as the transport's.
        }

        return false;
    }

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
