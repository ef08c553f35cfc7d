using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// One HTTP/1.1 exchange over a connection of its own (Connection: close), as the Docker CLI speaks to the
/// Engine API: a request whose body is sent chunked as it is produced, and a response whose body is read as it
/// arrives (chunked, by Content-Length, or to the end of the connection). Headers are bounded, so a hostile
/// endpoint cannot make the module read without end before the body.
/// </summary>
internal static class DaemonHttp
{
    public const int MaxHeaderBytes = 64 * 1024;

    /// <summary>Sends a request and returns the response with its body unread; the response owns the connection.</summary>
    public static async Task<DaemonResponse> SendAsync(
        Stream connection, string method, string pathAndQuery, Func<Stream, CancellationToken, Task>? writeBody, CancellationToken cancellationToken)
    {
        try
        {
            var head = new StringBuilder()
                .Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n")
                .Append("Host: docker\r\nUser-Agent: OciImage\r\nConnection: close\r\n");
            if (writeBody is not null)
            {
                head.Append("Content-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n");
            }

            var bytes = Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
            await connection.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
            if (writeBody is not null)
            {
                using var chunked = new ChunkedWriteStream(connection);
                await writeBody(chunked, cancellationToken).ConfigureAwait(false);
                await chunked.FinishAsync(cancellationToken).ConfigureAwait(false);
            }

            await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
            return await ReadResponseAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static async Task<DaemonResponse> ReadResponseAsync(Stream connection, CancellationToken cancellationToken)
    {
        var buffered = new BufferedReader(connection);
        var status = await buffered.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        var parts = status.Split(new[] { ' ' }, 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new InvalidDataException($"the answer is not HTTP/1.1 (it begins '{Printable(status)}')");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string line;
        while ((line = await buffered.ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
            {
                headers[line.Substring(0, colon).Trim()] = line.Substring(colon + 1).Trim();
            }
        }

        var rest = buffered.Remainder();
        Stream body;
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            body = new ChunkedReadStream(rest);
        }
        else if (headers.TryGetValue("Content-Length", out var length) && long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            body = new LengthReadStream(rest, size);
        }
        else
        {
            body = rest;
        }

        return new DaemonResponse(code, headers, body);
    }

    private static string Printable(string text)
    {
        var shown = new StringBuilder();
        foreach (var c in text.Length > 40 ? text.Substring(0, 40) : text)
        {
            shown.Append(c >= ' ' && c < 127 ? c : '?');
        }

        return shown.ToString();
    }

    /// <summary>Reads the head line by line from a buffer, then hands what is left (buffered bytes first) to the body.</summary>
    private sealed class BufferedReader
    {
        private readonly Stream _stream;
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;
        private int _headBytes;

        public BufferedReader(Stream stream) => _stream = stream;

        public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = await _stream.ReadAsync(_buffer, 0, _buffer.Length, cancellationToken).ConfigureAwait(false);
                    if (_end == 0)
                    {
                        throw new EndOfStreamException("the daemon closed the connection before its answer's head ended");
                    }
                }

                var b = _buffer[_start++];
                if (++_headBytes > MaxHeaderBytes)
                {
                    throw new InvalidDataException($"the answer's head is over {MaxHeaderBytes / 1024} KiB");
                }

                if (b == '\n')
                {
                    if (line.Count > 0 && line[line.Count - 1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.UTF8.GetString(line.ToArray());
                }

                line.Add(b);
            }
        }

        public Stream Remainder()
        {
            var left = new byte[_end - _start];
            Buffer.BlockCopy(_buffer, _start, left, 0, left.Length);
            return new OciImage.Core.IO.PrefixedStream(left, left.Length, _stream);
        }
    }
}

/// <summary>A daemon's answer: its status, headers and body (which owns the connection).</summary>
internal sealed class DaemonResponse : IDisposable
{
    public DaemonResponse(int status, IReadOnlyDictionary<string, string> headers, Stream body)
    {
        Status = status;
        Headers = headers;
        Body = body;
    }

    public int Status { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public Stream Body { get; }

    public bool IsSuccess => Status is >= 200 and < 300;

    public void Dispose() => Body.Dispose();
}
