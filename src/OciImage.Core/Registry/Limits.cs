using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using OciImage.Core.Errors;

namespace OciImage.Core.Registry;

/// <summary>Reads a response body whole, refusing one larger than a limit (declared or actual).</summary>
internal static class Limits
{
    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, long limit, string what)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            throw new ManifestTooLargeException(what, declared, limit);
        }

        using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await stream.ReadAsync(chunk, 0, chunk.Length).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > limit)
            {
                throw new ManifestTooLargeException(what, buffer.Length + n, limit);
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
