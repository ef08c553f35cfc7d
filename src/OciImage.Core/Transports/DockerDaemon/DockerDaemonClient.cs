using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Transports.DockerDaemon;

/// <summary>
/// The few Docker Engine API calls the docker-daemon: transport needs: _ping (the API version, negotiated as the
/// docker CLI does), images/get (a docker-save archive, streamed), images/load (one, streamed in) and images/json
/// (names, for completion). Each call is one connection.
/// </summary>
internal sealed class DockerDaemonClient
{
    /// <summary>The oldest API with every call used here as it is used (Docker 1.12).</summary>
    public static readonly Version MinimumApiVersion = new(1, 24);

    private const int MaxErrorBytes = 64 * 1024;
    private readonly IEngineLog _log;
    private Version? _version;

    public DockerDaemonClient(DaemonEndpoint endpoint, IEngineLog log)
    {
        Endpoint = endpoint;
        _log = log;
    }

    public DaemonEndpoint Endpoint { get; }

    /// <summary>The API version both sides speak: the daemon's own (it serves every version from its minimum up to it).</summary>
    public async Task<Version> ApiVersionAsync(CancellationToken cancellationToken)
    {
        if (_version is { } known)
        {
            return known;
        }

        using var response = await SendAsync("GET", "/_ping", null, "a ping", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(response, "a ping", cancellationToken).ConfigureAwait(false);
        }

        if (!response.Headers.TryGetValue("Api-Version", out var text) || !Version.TryParse(text, out var version))
        {
            throw new DaemonUnreachableException(Endpoint.Text, Endpoint.Source, "what answers there is not a Docker Engine API (its ping names no Api-Version)");
        }

        if (version < MinimumApiVersion)
        {
            throw new DaemonTooOldException(Endpoint.Text, text, MinimumApiVersion.ToString());
        }

        _log.Verbose($"Docker daemon at {Endpoint} ({Endpoint.Source}): API {version}");
        return _version = version;
    }

    /// <summary>What the daemon knows of an image (its ID, names and registry digests), or null when it has no such image.</summary>
    public async Task<DaemonImage?> InspectAsync(string name, CancellationToken cancellationToken)
    {
        var path = await VersionedAsync("/images/" + PathSegment(name) + "/json", cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync("GET", path, null, $"inspecting {name}", cancellationToken).ConfigureAwait(false);
        if (response.Status == 404)
        {
            return null;
        }

        if (!response.IsSuccess)
        {
            throw await ErrorAsync(response, $"inspecting {name}", cancellationToken).ConfigureAwait(false);
        }

        using var doc = Json(await ReadBoundedAsync(response, 4 * 1024 * 1024, $"inspecting {name}", cancellationToken).ConfigureAwait(false), $"inspecting {name}", response.Status);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            throw new DaemonErrorException(Endpoint.Text, $"inspecting {name}", response.Status, "its answer names no image Id");
        }

        return new DaemonImage(id.GetString()!, Strings(root, "RepoTags"), Strings(root, "RepoDigests"));
    }

    /// <summary>Streams the docker-save archive of one image, as <c>docker save NAME</c> writes it; check it exists first (<see cref="InspectAsync"/>).</summary>
    public async Task<Stream> SaveAsync(string name, CancellationToken cancellationToken)
    {
        var path = await VersionedAsync("/images/get?names=" + Uri.EscapeDataString(name), cancellationToken).ConfigureAwait(false);
        var response = await SendAsync("GET", path, null, $"saving {name}", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            using (response)
            {
                throw await ErrorAsync(response, $"saving {name}", cancellationToken).ConfigureAwait(false);
            }
        }

        return response.Body;
    }

    /// <summary>Loads a docker-save archive, as <c>docker load</c> does; the daemon's error, reported in its progress stream, is thrown.</summary>
    public async Task<IReadOnlyList<string>> LoadAsync(Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        var path = await VersionedAsync("/images/load?quiet=1", cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync("POST", path, writeArchive, "loading an image", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(response, "loading an image", cancellationToken).ConfigureAwait(false);
        }

        // A load answers 200 and then reports in a stream of JSON messages: {"stream":"Loaded image: ..."} or {"error":...}.
        var loaded = new List<string>();
        foreach (var message in JsonMessages(await ReadBoundedAsync(response, MaxErrorBytes * 16, "loading an image", cancellationToken).ConfigureAwait(false)))
        {
            if (message.Error is { } error)
            {
                throw new DaemonErrorException(Endpoint.Text, "loading an image", response.Status, error);
            }

            if (message.Stream is { } text)
            {
                loaded.Add(text.Trim());
            }
        }

        return loaded;
    }

    /// <summary>The names (RepoTags) of the daemon's images.</summary>
    public async Task<IReadOnlyList<string>> ImageNamesAsync(CancellationToken cancellationToken)
    {
        var path = await VersionedAsync("/images/json", cancellationToken).ConfigureAwait(false);
        using var response = await SendAsync("GET", path, null, "listing images", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw await ErrorAsync(response, "listing images", cancellationToken).ConfigureAwait(false);
        }

        var names = new List<string>();
        using var doc = Json(await ReadBoundedAsync(response, 16 * 1024 * 1024, "listing images", cancellationToken).ConfigureAwait(false), "listing images", response.Status);
        if (doc.RootElement.ValueKind == JsonValueKind.Array)
        {
            foreach (var image in doc.RootElement.EnumerateArray())
            {
                if (image.ValueKind == JsonValueKind.Object && image.TryGetProperty("RepoTags", out var tags) && tags.ValueKind == JsonValueKind.Array)
                {
                    foreach (var tag in tags.EnumerateArray())
                    {
                        if (tag.ValueKind == JsonValueKind.String && tag.GetString() is { } text && text != "<none>:<none>")
                        {
                            names.Add(text);
                        }
                    }
                }
            }
        }

        return names;
    }

    /// <summary>A name as a path segment: references hold no character a path cannot carry but these, which are escaped.</summary>
    private static string PathSegment(string name) =>
        name.Replace("%", "%25").Replace("?", "%3F").Replace("#", "%23").Replace(" ", "%20");

    private static IReadOnlyList<string> Strings(JsonElement root, string member)
    {
        var list = new List<string>();
        if (root.TryGetProperty(member, out var items) && items.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { } text)
                {
                    list.Add(text);
                }
            }
        }

        return list;
    }

    private async Task<string> VersionedAsync(string path, CancellationToken cancellationToken)
    {
        var version = await ApiVersionAsync(cancellationToken).ConfigureAwait(false);
        return "/v" + version.ToString(2) + path;
    }

    private async Task<DaemonResponse> SendAsync(string method, string path, Func<Stream, CancellationToken, Task>? body, string what, CancellationToken cancellationToken)
    {
        _log.Verbose($"{method} {Endpoint}{path}");
        var connection = await DaemonConnector.ConnectAsync(Endpoint, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await DaemonHttp.SendAsync(connection, method, path, body, cancellationToken).ConfigureAwait(false);
            return new DaemonResponse(response.Status, response.Headers, new DaemonBody(response.Body, Endpoint, what, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new DaemonUnreachableException(Endpoint.Text, Endpoint.Source, $"the exchange for {what} broke off: {ex.Message}", ex);
        }
    }

    private async Task<OciException> ErrorAsync(DaemonResponse response, string what, CancellationToken cancellationToken)
    {
        string message;
        try
        {
            var body = await ReadBoundedAsync(response, MaxErrorBytes, what, cancellationToken).ConfigureAwait(false);
            message = MessageOf(body);
        }
        catch (OciException)
        {
            message = "(its error body could not be read)";
        }

        return response.Status switch
        {
            // A client version above the daemon's maximum (or below its minimum) is answered 400 naming the versions.
            400 when message.IndexOf("version", StringComparison.OrdinalIgnoreCase) >= 0 && message.IndexOf("API", StringComparison.OrdinalIgnoreCase) >= 0 =>
                new DaemonTooOldException(Endpoint.Text, _version?.ToString() ?? "?", MinimumApiVersion.ToString()),
            _ => new DaemonErrorException(Endpoint.Text, what, response.Status, message),
        };
    }

    private static string MessageOf(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString() ?? string.Empty;
            }
        }
        catch (JsonException)
        {
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length > 500 ? text.Substring(0, 500) + "…" : text;
    }

    /// <summary>The daemon's progress messages: one JSON object a line.</summary>
    private static IEnumerable<(string? Stream, string? Error)> JsonMessages(byte[] body)
    {
        var messages = new List<(string?, string?)>();
        foreach (var line in Encoding.UTF8.GetString(body).Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 16 });
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                string? error = null;
                if (root.TryGetProperty("errorDetail", out var detail) && detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    error = m.GetString();
                }
                else if (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String)
                {
                    error = e.GetString();
                }

                messages.Add((root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null, error));
            }
            catch (JsonException)
            {
                // A line that is not JSON says nothing we can use; the load's status stands.
            }
        }

        return messages;
    }

    /// <summary>An answer that is not JSON is the daemon's error, not a raw parser exception.</summary>
    private JsonDocument Json(byte[] body, string what, int status)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new DaemonErrorException(Endpoint.Text, what, status, $"its answer is not JSON ({ex.Message})");
        }
    }

    private async Task<byte[]> ReadBoundedAsync(DaemonResponse response, int limit, string what, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await response.Body.ReadAsync(chunk, 0, chunk.Length, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit)
            {
                throw new DaemonErrorException(Endpoint.Text, what, response.Status, $"its answer is over {limit / 1024} KiB");
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
