using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit;

/// <summary>
/// A small in-memory registry on 127.0.0.1 for what the CNCF registry cannot be made to show: tokens of any
/// lifetime, insufficient_scope for a signed-in user, /v2/ answering 404, blobs answering 500 forever, a cap on
/// request bodies, mounts declined with an upload session, and blob GETs redirected (307) to storage on another
/// host (localhost) with a signed query, and Docker Hub's pull quota (<see cref="PullQuota"/>). It counts token requests and logs every request with its status. The
/// real registry stays the referee wherever it can serve; this one only fakes the rest.
/// </summary>
public sealed class FakeRegistry : LoopbackHttpServer
{
    private static readonly Regex Uploads = new("^/v2/(?<name>.+)/blobs/uploads/(?<id>[^/]*)$");
    private static readonly Regex Objects = new("^/v2/(?<name>.+)/(?<kind>manifests|blobs)/(?<ref>[^/]+)$");

    private readonly object _gate = new();
    private readonly Dictionary<string, byte[]> _blobs = new();
    private readonly HashSet<(string Repository, string Digest)> _links = new();
    private readonly Dictionary<(string Repository, string Reference), (byte[] Body, string MediaType)> _manifests = new();
    private readonly Dictionary<string, (string Repository, MemoryStream Data)> _uploads = new();
    private readonly Dictionary<string, (string User, HashSet<string> Granted, DateTime Expires)> _tokens = new();
    private readonly Dictionary<string, (string Password, HashSet<string> PushTo)> _users = new();
    private readonly Storage _storage;
    private int _tokenRequests;

    public FakeRegistry()
    {
        _storage = new Storage(this);
        Start();
    }

    /// <summary>What GET /v2/ answers when no auth is asked for: 200, or 404 for "not a registry".</summary>
    public int PingStatus { get; set; } = 200;

    /// <summary>Bearer auth with tokens of this expires_in, in seconds; null for no auth at all.</summary>
    public int? TokenLifetime { get; set; }

    /// <summary>Manifest PUTs whose body holds this text (a media type, as a registry that knows no zstd) get 400 MANIFEST_INVALID.</summary>
    public string? RefuseManifestsWith { get; set; }

    /// <summary>Anonymous token requests get pull (as Docker Hub and GHCR give for public images).</summary>
    public bool AnonymousPull { get; set; } = true;

    /// <summary>Every blob GET answers this status (a storage backend that is down), when set.</summary>
    public int? FailBlobsWith { get; set; }

    /// <summary>Requests with a larger body are refused with 413 (a proxy's or registry's per-request cap).</summary>
    public long? MaxRequestBody { get; set; }

    /// <summary>Mounts are declined: 202 and an upload session, as registries that do not mount across repositories do.</summary>
    public bool DeclineMounts { get; set; }

    /// <summary>Blob GETs answer 307 to the storage host (localhost:PORT/storage/DIGEST?X-Signature=...).</summary>
    public bool RedirectBlobs { get; set; }

    /// <summary>Docker Hub's pull quota and rate-limit headers on manifest answers, when set.</summary>
    public PullQuota? Quota { get; set; }

    /// <summary>The storage host's requests: path and query, and the Authorization sent (null when none).</summary>
    public List<(string PathAndQuery, string? Authorization)> StorageRequests => _storage.Requests;

    public int TokenRequests => _tokenRequests;

    /// <summary>The next this many token requests answer 503 (a token server that is briefly down).</summary>
    public int TokenFailures { get; set; }

    /// <summary>
    /// Awaited before each request is answered (its method and path): a test holds an answer back until something
    /// else has happened, to see which requests a client has in flight together.
    /// </summary>
    public Func<string, string, Task>? BeforeAnswer { get; set; }

    /// <summary>Every request, "METHOD /path STATUS".</summary>
    public List<string> Log { get; } = new();

    public string Realm => $"http://{Host}/token";

    /// <summary>A user who may pull everything and push to the repositories named.</summary>
    public void AddUser(string user, string password, params string[] pushTo) =>
        _users[user] = (password, new HashSet<string>(pushTo));

    public string AddBlob(string repository, byte[] bytes)
    {
        var digest = "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        lock (_gate)
        {
            _blobs[digest] = bytes;
            _links.Add((repository, digest));
        }

        return digest;
    }

    public string AddManifest(string repository, string tag, byte[] bytes, string mediaType)
    {
        var digest = "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        lock (_gate)
        {
            _manifests[(repository, tag)] = (bytes, mediaType);
            _manifests[(repository, digest)] = (bytes, mediaType);
        }

        return digest;
    }

    /// <summary>An OCI image of one random layer of this size (seeded), tagged; returns the layer's digest.</summary>
    public string AddImage(string repository, string tag, int layerSize, int seed = 1)
    {
        var layer = new byte[layerSize];
        new Random(seed).NextBytes(layer);
        var layerDigest = AddBlob(repository, layer);
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}");
        var configDigest = AddBlob(repository, config);
        var manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{configDigest}\",\"size\":{config.Length}}}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"{layerDigest}\",\"size\":{layer.Length}}}]}}";
        AddManifest(repository, tag, Encoding.UTF8.GetBytes(manifest), "application/vnd.oci.image.manifest.v1+json");
        return layerDigest;
    }

    /// <summary>Serves other bytes under a blob's digest from now on (storage that was tampered with).</summary>
    public void ReplaceBlob(string digest, byte[] bytes)
    {
        lock (_gate)
        {
            _blobs[digest] = bytes;
        }
    }

    /// <summary>True when the repository has this tag.</summary>
    public bool HasTag(string repository, string tag)
    {
        lock (_gate)
        {
            return _manifests.ContainsKey((repository, tag));
        }
    }

    /// <summary>The digest of the manifest a tag names.</summary>
    public string DigestOf(string repository, string tag)
    {
        lock (_gate)
        {
            return "sha256:" + Convert.ToHexString(SHA256.HashData(_manifests[(repository, tag)].Body)).ToLowerInvariant();
        }
    }

    public bool HasBlob(string repository, string digest)
    {
        lock (_gate)
        {
            return _links.Contains((repository, digest));
        }
    }

    protected override void DisposeResources() => _storage.Dispose();

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var status = await AnswerAsync(context);
        lock (Log)
        {
            Log.Add($"{context.Request.HttpMethod} {context.Request.Url!.AbsolutePath} {status}");
        }
    }

    private async Task<int> AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Url!.AbsolutePath;
        var body = await ReadBodyAsync(request);
        if (BeforeAnswer is { } gate)
        {
            await gate(request.HttpMethod, path);
        }

        if (MaxRequestBody is { } cap && body.Length > cap)
        {
            return Status(response, 413);
        }

        if (path == "/token")
        {
            return IssueToken(context);
        }

        var name = Uploads.Match(path) is { Success: true } u ? u.Groups["name"].Value : Objects.Match(path) is { Success: true } o ? o.Groups["name"].Value : null;
        if (TokenLifetime is not null && path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            var needed = new List<string>();
            if (name is not null)
            {
                needed.Add($"{name}:{(request.HttpMethod is "GET" or "HEAD" ? "pull" : "push")}");
                if (request.QueryString["from"] is { } from)
                {
                    needed.Add($"{from}:pull");
                }
            }

            if (!Authorised(request.Headers["Authorization"], needed, out var error))
            {
                var scope = name is null ? string.Empty : $",scope=\"repository:{name}:{(request.HttpMethod is "GET" or "HEAD" ? "pull" : "pull,push")}\"";
                response.AddHeader("WWW-Authenticate", $"Bearer realm=\"{Realm}\",service=\"fake\"{scope}{(error is null ? string.Empty : $",error=\"{error}\"")}");
                return Json(response, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
            }
        }

        if (path == "/v2/")
        {
            return Status(response, PingStatus);
        }

        if (Uploads.Match(path) is { Success: true } upload)
        {
            return Upload(context, upload.Groups["name"].Value, upload.Groups["id"].Value, body);
        }

        if (Objects.Match(path) is { Success: true } match)
        {
            return match.Groups["kind"].Value == "blobs"
                ? await BlobAsync(context, match.Groups["name"].Value, match.Groups["ref"].Value)
                : await ManifestAsync(context, match.Groups["name"].Value, match.Groups["ref"].Value, body);
        }

        return Status(response, 404);
    }

    private bool Authorised(string? header, List<string> needed, out string? error)
    {
        error = null;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        lock (_gate)
        {
            if (!_tokens.TryGetValue(header.Substring(7), out var token) || token.Expires < DateTime.UtcNow)
            {
                error = "invalid_token";
                return false;
            }

            if (needed.All(token.Granted.Contains))
            {
                return true;
            }

            error = "insufficient_scope";
            return false;
        }
    }

    private int IssueToken(HttpListenerContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        lock (Log)
        {
            if (TokenFailures > 0)
            {
                TokenFailures--;
                return Json(context.Response, 503, "{\"details\":\"service unavailable\"}");
            }
        }

        var user = string.Empty;
        if (context.Request.Headers["Authorization"] is { } basic && basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic.Substring(6))).Split(':', 2);
            if (pair.Length != 2 || !_users.TryGetValue(pair[0], out var known) || known.Password != pair[1])
            {
                return Json(context.Response, 401, "{\"details\":\"incorrect username or password\"}");
            }

            user = pair[0];
        }

        var granted = new HashSet<string>();
        foreach (var scope in (context.Request.QueryString.GetValues("scope") ?? Array.Empty<string>()).SelectMany(s => s.Split(' ')))
        {
            var parts = scope.Split(':');
            if (parts.Length != 3)
            {
                continue;
            }

            foreach (var action in parts[2].Split(','))
            {
                var allowed = action == "pull" ? user.Length > 0 || AnonymousPull : action == "push" && user.Length > 0 && _users[user].PushTo.Contains(parts[1]);
                if (allowed)
                {
                    granted.Add($"{parts[1]}:{action}");
                }
            }
        }

        var token = "fake-" + Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            _tokens[token] = (user, granted, DateTime.UtcNow.AddSeconds(TokenLifetime ?? 60));
        }

        return Json(context.Response, 200, JsonSerializer.Serialize(new { token, expires_in = TokenLifetime ?? 60 }));
    }

    private async Task<int> BlobAsync(HttpListenerContext context, string repository, string digest)
    {
        byte[]? bytes;
        lock (_gate)
        {
            bytes = _links.Contains((repository, digest)) ? _blobs[digest] : null;
        }

        if (bytes is null)
        {
            return Json(context.Response, 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}");
        }

        if (context.Request.HttpMethod == "GET" && FailBlobsWith is { } failure)
        {
            return Status(context.Response, failure);
        }

        if (context.Request.HttpMethod == "GET" && RedirectBlobs)
        {
            context.Response.AddHeader("Location", $"http://{_storage.Host}/storage/{digest}?X-Signature=a%2Fb%3D%3D&X-Expires=60");
            return Status(context.Response, 307);
        }

        context.Response.AddHeader("Docker-Content-Digest", digest);
        return await WriteAsync(context, 200, bytes, "application/octet-stream");
    }

    private async Task<int> ManifestAsync(HttpListenerContext context, string repository, string reference, byte[] body)
    {
        if (context.Request.HttpMethod == "PUT")
        {
            if (RefuseManifestsWith is { } refusedText && Encoding.UTF8.GetString(body).Contains(refusedText))
            {
                return Json(context.Response, 400, "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\",\"detail\":\"unsupported layer media type\"}]}");
            }

            var digest = AddManifest(repository, reference, body, context.Request.ContentType ?? "application/vnd.oci.image.manifest.v1+json");
            context.Response.AddHeader("Docker-Content-Digest", digest);
            return Status(context.Response, 201);
        }

        (byte[] Body, string MediaType) found;
        lock (_gate)
        {
            if (!_manifests.TryGetValue((repository, reference), out found))
            {
                return Json(context.Response, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
            }
        }

        if (Quota?.Answer(context.Response, context.Request.HttpMethod == "GET") is { } refused)
        {
            return refused;
        }

        // As registries do (Docker Hub, distribution): a HEAD then tells the digest without a GET.
        context.Response.AddHeader("Docker-Content-Digest", "sha256:" + Convert.ToHexString(SHA256.HashData(found.Body)).ToLowerInvariant());

        return await WriteAsync(context, 200, found.Body, found.MediaType);
    }

    private int Upload(HttpListenerContext context, string repository, string id, byte[] body)
    {
        var request = context.Request;
        if (request.HttpMethod == "POST")
        {
            if (request.QueryString["mount"] is { } mount && !DeclineMounts && HasBlob(request.QueryString["from"] ?? string.Empty, mount))
            {
                lock (_gate)
                {
                    _links.Add((repository, mount));
                }

                return Status(context.Response, 201);
            }

            var session = Guid.NewGuid().ToString("N");
            lock (_gate)
            {
                _uploads[session] = (repository, new MemoryStream());
            }

            context.Response.AddHeader("Location", $"/v2/{repository}/blobs/uploads/{session}?state=s%2F1");
            return Status(context.Response, 202);
        }

        lock (_gate)
        {
            if (!_uploads.TryGetValue(id, out var upload) || upload.Repository != repository)
            {
                return Json(context.Response, 404, "{\"errors\":[{\"code\":\"BLOB_UPLOAD_UNKNOWN\",\"message\":\"upload unknown\"}]}");
            }

            if (request.HttpMethod == "GET")
            {
                // The session's status: how far it has the blob, and where to go on.
                context.Response.AddHeader("Range", $"0-{Math.Max(0, upload.Data.Length - 1)}");
                context.Response.AddHeader("Location", $"/v2/{repository}/blobs/uploads/{id}?state=s%2F3");
                return Status(context.Response, 204);
            }

            // A chunk must start where the session ends (OCI distribution: 416 otherwise).
            if (request.HttpMethod == "PATCH" && request.Headers["Content-Range"] is { } range
                && (!long.TryParse(range.Split('-')[0], out var first) || first != upload.Data.Length))
            {
                return Status(context.Response, 416);
            }

            upload.Data.Write(body);
            if (request.HttpMethod == "PATCH")
            {
                context.Response.AddHeader("Location", $"/v2/{repository}/blobs/uploads/{id}?state=s%2F2");
                return Status(context.Response, 202);
            }

            _uploads.Remove(id);
            var bytes = upload.Data.ToArray();
            var digest = "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
            if (digest != request.QueryString["digest"])
            {
                return Json(context.Response, 400, "{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"digest invalid\"}]}");
            }

            _blobs[digest] = bytes;
            _links.Add((repository, digest));
            context.Response.AddHeader("Docker-Content-Digest", digest);
            return Status(context.Response, 201);
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request)
    {
        if (!request.HasEntityBody)
        {
            return Array.Empty<byte>();
        }

        using var buffer = new MemoryStream();
        await request.InputStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static int Status(HttpListenerResponse response, int status)
    {
        response.StatusCode = status;
        return status;
    }

    private static int Json(HttpListenerResponse response, int status, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
        return status;
    }

    private static async Task<int> WriteAsync(HttpListenerContext context, int status, byte[] bytes, string contentType)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength64 = bytes.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            await context.Response.OutputStream.WriteAsync(bytes);
        }

        return status;
    }

    /// <summary>The object storage the blobs redirect to: another host name, which must never see the registry's credentials.</summary>
    private sealed class Storage : LoopbackHttpServer
    {
        private readonly FakeRegistry _registry;

        public Storage(FakeRegistry registry)
            : base("localhost")
        {
            _registry = registry;
            Start();
        }

        public List<(string PathAndQuery, string? Authorization)> Requests { get; } = new();

        protected override async Task HandleAsync(HttpListenerContext context)
        {
            lock (Requests)
            {
                Requests.Add((context.Request.Url!.PathAndQuery, context.Request.Headers["Authorization"]));
            }

            var digest = context.Request.Url!.AbsolutePath.Substring("/storage/".Length);
            byte[]? bytes;
            lock (_registry._gate)
            {
                bytes = _registry._blobs.TryGetValue(digest, out var b) ? b : null;
            }

            if (bytes is null)
            {
                context.Response.StatusCode = 404;
                return;
            }

            await WriteAsync(context, 200, bytes, "application/octet-stream");
        }
    }
}
