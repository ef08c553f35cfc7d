using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
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

    /// <summary>
    /// What happened, when waiting cannot mend it: a refused connection (nothing listens on the port) or a host
    /// name that does not resolve. Null for failures worth retrying (resets, timeouts, TLS).
    /// </summary>
    public static string? Hopeless(Exception ex, Uri target)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                switch (socket.SocketErrorCode)
                {
                    case SocketError.ConnectionRefused:
                        return $"connection refused by {target.Host}:{target.Port} (nothing listens on that port)";
                    case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                        return $"the host name {target.Host} cannot be resolved ({socket.Message})";
                }
            }
        }

        return null;
    }

    public static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }
}
