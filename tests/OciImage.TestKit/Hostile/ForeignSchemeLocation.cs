using System.Collections.Generic;
using System.Net;
using System.Threading.Tasks;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a hop the HTTP stack cannot take (it throws its own NotSupportedException). A plain loopback
/// registry that sends every request on to one URL: an upload POST gets 202 with it as Location, a blob GET a 307
/// to it, where the URL is of another scheme than http or https (file:, a UNC path, ftp:, data:...). Records each
/// request it sees ("METHOD path").
/// </summary>
public sealed class ForeignSchemeLocation : LoopbackHttpServer
{
    /// <summary>Locations of other schemes, as a registry could write them (a UNC path is a file: URL to .NET).</summary>
    public static readonly string[] Samples = { "file:///etc/passwd", @"\\evil\share\x", "ftp://127.0.0.1/x", "data:,x", "gopher://127.0.0.1:70/x", "urn:x:y" };

    private readonly string _location;

    public ForeignSchemeLocation(string location)
    {
        _location = location;
        Start();
    }

    public List<string> Requests { get; } = new();

    protected override Task HandleAsync(HttpListenerContext context)
    {
        lock (Requests)
        {
            Requests.Add($"{context.Request.HttpMethod} {context.Request.Url!.AbsolutePath}");
        }

        var (status, sendOn) = context.Request.HttpMethod switch
        {
            "POST" => (202, true),
            "GET" when context.Request.Url!.AbsolutePath.Contains("/blobs/") => (307, true),
            "HEAD" => (404, false),
            _ => (200, false),
        };
        if (sendOn)
        {
            context.Response.Headers.Add("Location", _location);
        }

        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }
}
