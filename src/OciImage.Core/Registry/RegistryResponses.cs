using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry;

/// <summary>Turns a registry's error answers (status and spec error body) into typed engine exceptions.</summary>
public static class RegistryResponses
{
    private const int MaxErrorBody = 64 * 1024;

    /// <summary>Throws the fitting exception unless the response succeeded.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, string registry, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var (code, message) = await ReadErrorAsync(response).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var detail = message ?? response.ReasonPhrase ?? "no detail";
        throw (status, code) switch
        {
            (401, _) or (_, "UNAUTHORIZED") => new UnauthorizedException(registry, detail),
            (403, _) or (_, "DENIED") => new AccessDeniedException(what, detail),
            (_, "MANIFEST_UNKNOWN") => new ManifestUnknownException(what, detail),
            (_, "NAME_UNKNOWN") => new RepositoryUnknownException(what, detail),
            // Kept with their spec code: a manifest put refused for a blob it names, or an upload session the
            // registry no longer has, is not a missing manifest.
            (_, "BLOB_UNKNOWN" or "MANIFEST_BLOB_UNKNOWN" or "BLOB_UPLOAD_UNKNOWN" or "BLOB_UPLOAD_INVALID") => new RegistryErrorException(what, status, code, detail),
            (_, "UNSUPPORTED") or (405, _) => new OperationNotSupportedException(what, detail),
            (404, _) => new ManifestUnknownException(what, detail),
            _ => (OciException)new RegistryErrorException(what, status, code, detail),
        };
    }

    private static async Task<(string? Code, string? Message)> ReadErrorAsync(HttpResponseMessage response)
    {
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var buffer = new byte[MaxErrorBody];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = await stream.ReadAsync(buffer, total, buffer.Length - total).ConfigureAwait(false)) > 0)
            {
                total += n;
            }

            if (total == 0)
            {
                return (null, null);
            }

            using var doc = JsonDocument.Parse(new System.ReadOnlyMemory<byte>(buffer, 0, total));
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0)
            {
                var first = errors[0];
                var code = first.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = first.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (code, message);
            }
        }
        catch (JsonException)
        {
        }
        catch (IOException)
        {
        }
        catch (HttpRequestException)
        {
        }

        return (null, null);
    }
}
