using System;
using System.IO;
using System.Threading;
using OciImage.Core.IO;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// A daemon's answer body as its readers see it: every way the exchange can break while the body is read (framing
/// that is not HTTP, an early end, a reset) is DaemonUnreachable naming the endpoint, never a raw .NET exception,
/// whoever reads it (the client's JSON reads, the archive store unpacking docker save's stream). Cancelling closes
/// the connection, so a daemon that stops sending mid-answer cannot hold a cancelled command: the socket's reads
/// under netstandard2.0 do not watch a token.
/// </summary>
internal sealed class DaemonBody : ReadOnlyStream
{
    private readonly Stream _inner;
    private readonly DaemonEndpoint _endpoint;
    private readonly string _what;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;

    public DaemonBody(Stream inner, DaemonEndpoint endpoint, string what, CancellationToken cancellationToken)
    {
        _inner = inner;
        _endpoint = endpoint;
        _what = what;
        _cancellationToken = cancellationToken;
        _registration = cancellationToken.Register(inner.Dispose);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return _inner.Read(buffer, offset, count);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ObjectDisposedException)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            throw new DaemonUnreachableException(_endpoint.Text, _endpoint.Source, $"the answer to {_what} broke off: {ex.Message}", ex);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _registration.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
