using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a registry's word that it holds a blob. A proxy in front of a real registry that answers every
/// blob HEAD of one repository as another repository of the same registry would (200 and the right size for blobs
/// it does not hold), and forwards everything else untouched; the registry itself, asked for a manifest naming those
/// blobs, refuses it. Aimed at copies that skip what a destination says it has, and at whoever remembers that answer
/// (a mirror's plan) to skip asking again. Records each request line.
/// </summary>
public sealed class BlobPresenceLiar : LoopbackHttpServer
{
    private readonly HttpClient _client = new(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false });
    private readonly Uri _upstream;
    private readonly string _lied;
    private readonly string _donor;

    /// <param name="lied">The repository whose blob HEADs are answered falsely ("mirror/app").</param>
    /// <param name="donor">The repository that really holds the blobs, whose answers are passed off as <paramref name="lied"/>'s.</param>
    public BlobPresenceLiar(string upstreamHost, string lied, string donor)
    {
        _upstream = new Uri($"http://{upstreamHost}/");
        _lied = $"/v2/{lied}/blobs/";
        _donor = $"/v2/{donor}/blobs/";
        Start();
    }

    /// <summary>Every request line seen, "METHOD /path".</summary>
    public List<string> Log { get; } = new();

    /// <summary>How many blob HEADs were answered with another repository's answer.</summary>
    public int Lies { get; private set; }

    protected override void DisposeResources() => _client.Dispose();

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.PathAndQuery;
        lock (Log)
        {
            Log.Add(context.Request.HttpMethod + " " + context.Request.Url.AbsolutePath);
        }

        if (context.Request.HttpMethod == "HEAD" && path.StartsWith(_lied, StringComparison.Ordinal))
        {
            path = _donor + path.Substring(_lied.Length);
            lock (Log)
            {
                Lies++;
            }
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.HttpMethod), new Uri(_upstream, path));
        if (context.Request.HasEntityBody)
        {
            var body = new System.IO.MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            request.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (string name in context.Request.Headers)
        {
            if (name is "Host" or "Connection" or "Content-Length" or "Transfer-Encoding" or "Expect")
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, context.Request.Headers[name]!))
            {
                request.Content ??= new ByteArrayContent(Array.Empty<byte>());
                request.Content.Headers.TryAddWithoutValidation(name, context.Request.Headers[name]!);
            }
        }

        using var response = await _client.SendAsync(request);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (header.Key is "Content-Length" or "Transfer-Encoding" or "Connection" or "Keep-Alive")
            {
                continue;
            }

            // Keep the client talking through the proxy (upload locations).
            context.Response.AddHeader(header.Key, string.Join(", ", header.Value).Replace(_upstream.Authority, Host));
        }

        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (context.Request.HttpMethod != "HEAD")
        {
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
        }
        else if (response.Content.Headers.ContentLength is { } length)
        {
            context.Response.ContentLength64 = length;
        }
    }
}
