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
public sealed class RecordingServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RecordingServer(string hostName, byte[] body, string contentType, IDictionary<string, string>? headers = null, int status = 200)
    {
        Port = FreePort.Next();
        HostName = hostName;
        _listener.Prefixes.Add($"http://{hostName}:{Port}/");
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception)
                {
                    return;
                }

                lock (Requests)
                {
                    Requests.Add((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"]));
                }

                try
                {
                    context.Response.StatusCode = status;
                    context.Response.ContentType = contentType;
                    foreach (var pair in headers ?? new Dictionary<string, string>())
                    {
                        context.Response.AddHeader(pair.Key, pair.Value);
                    }

                    context.Response.ContentLength64 = body.Length;
                    await context.Response.OutputStream.WriteAsync(body);
                }
                catch (Exception)
                {
                }
                finally
                {
                    context.Response.Close();
                }
            }
        });
    }

    public int Port { get; }

    public string HostName { get; }

    public string Host => $"{HostName}:{Port}";

    /// <summary>Each request's path and Authorization header (null when none was sent).</summary>
    public List<(string Path, string? Authorization)> Requests { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(2000);
        }
        catch (AggregateException)
        {
        }
    }
}
