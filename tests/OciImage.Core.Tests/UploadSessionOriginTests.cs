using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// An upload session the registry places on another origin gets every request of the session (the PUT or PATCH,
/// and the DELETE that cancels it) by the same decision, the transport's origin rule: followed, without the
/// registry's credentials. The cancel is no copy of that rule that could drift from it.
/// </summary>
public sealed class UploadSessionOriginTests
{
    [Fact]
    public async Task TheCancellingDeleteOfASessionOnAnotherOriginCarriesNoCredentialsAsItsPutDoesNot()
    {
        using var session = new SessionHost();
        using var registry = new BasicAuthRegistry($"http://{session.Host}/upload/1?state=x");
        var options = new RegistryOptions { MaximumRetryCount = 0, Credential = new RegistryCredential("user", "SECRET") };
        using var store = TestClients.Store(registry.Host, "team/app", options);
        var bytes = Encoding.UTF8.GetBytes("a blob the session host refuses");
        var descriptor = new Descriptor { MediaType = "application/octet-stream", Digest = Digest.Compute(bytes), Size = bytes.Length };

        await Assert.ThrowsAnyAsync<Exception>(() => store.PutBlobAsync(descriptor, new MemoryStream(bytes), null, CancellationToken.None));

        // The registry had the credentials (its POST), the session host none, from its first request to the DELETE.
        Assert.Contains(registry.Seen, s => s.Method == "POST" && s.Authorization == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:SECRET")));
        List<(string Method, string? Authorization)> seen;
        lock (session.Seen)
        {
            seen = session.Seen.ToList();
        }

        Assert.Contains(seen, s => s.Method is "PUT" or "PATCH");
        Assert.Contains(seen, s => s.Method == "DELETE");
        Assert.All(seen, s => Assert.Null(s.Authorization));
    }

    /// <summary>Basic auth; a blob HEAD is 404; an upload POST is 202 with the session's Location on another origin.</summary>
    private sealed class BasicAuthRegistry : LoopbackHttpServer
    {
        private readonly string _location;

        public BasicAuthRegistry(string location)
        {
            _location = location;
            Start();
        }

        public List<(string Method, string? Authorization)> Seen { get; } = new();

        protected override Task HandleAsync(HttpListenerContext context)
        {
            var authorization = context.Request.Headers["Authorization"];
            lock (Seen)
            {
                Seen.Add((context.Request.HttpMethod, authorization));
            }

            var response = context.Response;
            if (authorization is null)
            {
                response.StatusCode = 401;
                response.AddHeader("WWW-Authenticate", "Basic realm=\"test\"");
            }
            else if (context.Request.HttpMethod == "POST")
            {
                response.StatusCode = 202;
                response.AddHeader("Location", _location);
            }
            else
            {
                response.StatusCode = context.Request.Url!.AbsolutePath == "/v2/" ? 200 : 404;
            }

            response.ContentLength64 = 0;
            response.Close();
            return Task.CompletedTask;
        }
    }

    /// <summary>Where the session lives: records each request and its Authorization, challenges for credentials (401 Basic).</summary>
    private sealed class SessionHost : LoopbackHttpServer
    {
        public SessionHost()
            : base("localhost")
        {
            Start();
        }

        public List<(string Method, string? Authorization)> Seen { get; } = new();

        protected override async Task HandleAsync(HttpListenerContext context)
        {
            lock (Seen)
            {
                Seen.Add((context.Request.HttpMethod, context.Request.Headers["Authorization"]));
            }

            // Fishing: a challenge, as the registry's own, to any request without credentials.
            await context.Request.InputStream.CopyToAsync(Stream.Null);
            context.Response.StatusCode = context.Request.Headers["Authorization"] is null ? 401 : context.Request.HttpMethod == "DELETE" ? 204 : 500;
            context.Response.AddHeader("WWW-Authenticate", "Basic realm=\"test\"");
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }
}
