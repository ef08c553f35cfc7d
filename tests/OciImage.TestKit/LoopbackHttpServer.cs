using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// The listener loop the test servers share: an HttpListener on a free loopback port, each request handled on
/// its own task and its response closed after, stopped on dispose. Subclasses call <see cref="Start"/> last
/// in their constructor, once everything a request needs is set.
/// </summary>
public abstract class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    protected LoopbackHttpServer(string hostName = "127.0.0.1")
    {
        HostName = hostName;
        Port = FreePort.Next();
        ListenerPort = Port;
    }

    /// <summary>The port clients use.</summary>
    public int Port { get; }

    /// <summary>The port the HttpListener takes: <see cref="Port"/>, unless something stands before it (<see cref="ListenBehind"/>).</summary>
    protected int ListenerPort { get; private set; }

    public string HostName { get; }

    /// <summary>host:port.</summary>
    public string Host => $"{HostName}:{Port}";

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

        DisposeResources();
    }

    /// <summary>Makes the HttpListener take a port of its own, leaving <see cref="Port"/> to a relay before it. Call before <see cref="Start"/>.</summary>
    protected void ListenBehind() => ListenerPort = FreePort.Next();

    protected void Start()
    {
        _listener.Prefixes.Add($"http://{HostName}:{ListenerPort}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Answers one request; an exception becomes a 500.</summary>
    protected abstract Task HandleAsync(HttpListenerContext context);

    protected virtual void DisposeResources()
    {
    }

    private async Task ServeAsync()
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
                return; // the listener was closed
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await HandleAsync(context);
                }
                catch (Exception)
                {
                    TryRun(() => context.Response.StatusCode = 500);
                }
                finally
                {
                    TryRun(() => context.Response.Close());
                }
            });
        }
    }

    private static void TryRun(Action action)
    {
        try
        {
            action();
        }
        catch (Exception)
        {
            // The response was aborted on purpose, or the client went away.
        }
    }
}
