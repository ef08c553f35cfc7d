using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry;

/// <summary>Turns a registry's error answers (status and spec error body) into typed engine exceptions.</summary>
internal static class RegistryResponses
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
            (401, _) or (_, "UNAUTHORIZED") => new UnauthorizedException(registry, detail, Handlers.RegistryRequest.CredentialSent(response.RequestMessage)),
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

            // Through the shape layer: a body that is not the spec's shape ({"errors":["x"]}, a proxy's HTML page)
            // tells nothing, and the status alone decides the error.
            if (Model.OciJson.TryRead<RegistryErrorBody>(new System.ReadOnlySpan<byte>(buffer, 0, total), out var body, out _)
                && body!.Errors is { Count: > 0 } errors)
            {
                return (errors[0]!.Code, errors[0]!.Message);
            }
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
