using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// A hostile or foreign HTTP server on loopback for the tests: answers every request with one fixed response
/// and records what it was sent (paths and Authorization headers), to prove what a client leaks.
/// </summary>
public sealed class RecordingServer : LoopbackHttpServer
{
    private readonly byte[] _body;
    private readonly string _contentType;
    private readonly IDictionary<string, string> _headers;
    private readonly int _status;

    public RecordingServer(string hostName, byte[] body, string contentType, IDictionary<string, string>? headers = null, int status = 200)
        : base(hostName)
    {
        _body = body;
        _contentType = contentType;
        _headers = headers ?? new Dictionary<string, string>();
        _status = status;
        Start();
    }

    /// <summary>Each request's path and Authorization header (null when none was sent).</summary>
    public List<(string Path, string? Authorization)> Requests { get; } = new();

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        lock (Requests)
        {
            Requests.Add((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"]));
        }

        context.Response.StatusCode = _status;
        context.Response.ContentType = _contentType;
        foreach (var pair in _headers)
        {
            context.Response.AddHeader(pair.Key, pair.Value);
        }

        context.Response.ContentLength64 = _body.Length;
        await context.Response.OutputStream.WriteAsync(_body);
    }
}
