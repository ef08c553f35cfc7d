using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Class attacked: a referrers listing that costs a request an entry. A registry holding one image (tag
/// <c>1</c> of <see cref="Repository"/>) whose referrers list names <see cref="Count"/> artifacts: the referrers
/// API's answer, or, where the API answers 404, the sha256-HEX fallback tag's index. Each fits under the 4 MiB
/// manifest limit (20,000 descriptors do). The listed artifacts are not served (404) but each GET of one is
/// counted, and so is every write (all refused).
/// </summary>
public sealed class ReferrerFlood : LoopbackHttpServer
{
    public const string Repository = "flood/app";
    private const string IndexType = "application/vnd.oci.image.index.v1+json";
    private const string ManifestType = "application/vnd.oci.image.manifest.v1+json";

    private readonly bool _throughApi;
    private readonly Dictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);
    private readonly byte[] _manifest;
    private readonly byte[] _flood;
    private int _referrerFetches;
    private int _writes;

    /// <param name="count">How many referrers the list names.</param>
    /// <param name="throughApi">True: the referrers API answers the list; false: it answers 404 and the fallback tag holds it.</param>
    public ReferrerFlood(int count, bool throughApi)
    {
        Count = count;
        _throughApi = throughApi;
        var layer = Encoding.ASCII.GetBytes("the flooded image's layer");
        var config = Encoding.ASCII.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + DigestOf(layer) + "\"]}}");
        _blobs[DigestOf(layer)] = layer;
        _blobs[DigestOf(config)] = config;
        _manifest = Encoding.ASCII.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + ManifestType + "\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{DigestOf(config)}\",\"size\":{config.Length}}}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"{DigestOf(layer)}\",\"size\":{layer.Length}}}]}}");
        ImageDigest = DigestOf(_manifest);

        // Distinct made-up artifacts, each as a registry would list a signature.
        var entries = Enumerable.Range(0, count).Select(i =>
            $"{{\"mediaType\":\"{ManifestType}\",\"digest\":\"{DigestOf(BitConverter.GetBytes(i))}\",\"size\":500,\"artifactType\":\"application/vnd.example.flood\"}}");
        _flood = Encoding.ASCII.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + IndexType + "\",\"manifests\":[" + string.Join(",", entries) + "]}");
        Start();
    }

    /// <summary>How many referrers the list names.</summary>
    public int Count { get; }

    /// <summary>The digest of the image tagged 1, the subject of the flood.</summary>
    public string ImageDigest { get; }

    /// <summary>The bytes of the referrers list as served (under 4 MiB).</summary>
    public int ListBytes => _flood.Length;

    /// <summary>GETs or HEADs of a listed artifact's manifest.</summary>
    public int ReferrerFetches => Volatile.Read(ref _referrerFetches);

    /// <summary>PUT, POST, PATCH or DELETE requests (refused).</summary>
    public int Writes => Volatile.Read(ref _writes);

    protected override async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        var prefix = $"/v2/{Repository}/";
        if (request.HttpMethod is not ("GET" or "HEAD"))
        {
            Interlocked.Increment(ref _writes);
            context.Response.StatusCode = 405;
            return;
        }

        if (path == "/v2/")
        {
            context.Response.StatusCode = 200;
            return;
        }

        var fallbackTag = "sha256-" + ImageDigest.Substring("sha256:".Length);
        if (path == prefix + "referrers/" + ImageDigest && _throughApi)
        {
            await AnswerAsync(context, _flood, IndexType);
        }
        else if (path == prefix + "manifests/1" || path == prefix + "manifests/" + ImageDigest)
        {
            await AnswerAsync(context, _manifest, ManifestType);
        }
        else if (path == prefix + "manifests/" + fallbackTag && !_throughApi)
        {
            await AnswerAsync(context, _flood, IndexType);
        }
        else if (path.StartsWith(prefix + "blobs/", StringComparison.Ordinal) && _blobs.TryGetValue(path.Substring(prefix.Length + 6), out var blob))
        {
            await AnswerAsync(context, blob, "application/octet-stream");
        }
        else
        {
            if (path.StartsWith(prefix + "manifests/sha256:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _referrerFetches);
            }

            var body = Encoding.ASCII.GetBytes("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}");
            context.Response.StatusCode = 404;
            await AnswerAsync(context, body, "application/json", status: 404);
        }
    }

    private static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static async Task AnswerAsync(HttpListenerContext context, byte[] body, string mediaType, int status = 200)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = mediaType;
        response.ContentLength64 = body.Length;
        if (status == 200)
        {
            response.AddHeader("Docker-Content-Digest", DigestOf(body));
        }

        if (context.Request.HttpMethod == "GET")
        {
            await response.OutputStream.WriteAsync(body);
        }
    }
}
