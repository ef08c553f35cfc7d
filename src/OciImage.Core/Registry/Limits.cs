using System;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry;

/// <summary>
/// Reads a document's response body whole (a manifest, a tag list), refusing one larger than a limit (declared or
/// actual). A body the connection cut off half way is <see cref="RegistryUnreachableException"/> with the network's
/// error inside, never a bare IOException, which would read as a file system's failure.
/// </summary>
internal static class Limits
{
    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, long limit, string registry, string what)
    {
        try
        {
            return await ReadAsync(content, limit, what).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new RegistryUnreachableException(registry, $"the connection was cut while reading the {what}: {Handlers.TransportFailure.Innermost(ex)}", ex);
        }
    }

    /// <summary>True for the error of a body cut off half way, which a new request may well bring whole.</summary>
    public static bool IsCutBody(RegistryUnreachableException ex) => ex.InnerException is IOException or HttpRequestException;

    private static async Task<byte[]> ReadAsync(HttpContent content, long limit, string what)
    {
        // The declared length is judged before the body is asked for.
        Func<long, Exception> tooLarge = size => new ManifestTooLargeException(what, size, limit);
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw tooLarge(declared);
        }

        using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
        return await IO.BoundedRead.StreamAsync(stream, null, limit, tooLarge).ConfigureAwait(false);
    }
}
