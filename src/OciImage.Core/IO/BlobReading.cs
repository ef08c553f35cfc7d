using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.IO;

/// <summary>Reads a small blob (a config, a manifest) whole, bounded, through its verifier.</summary>
internal static class BlobReading
{
    public static async Task<byte[]> ReadAllAsync(Stream verified, Descriptor descriptor, long limit, string what, CancellationToken cancellationToken)
    {
        if (descriptor.Size > limit)
        {
            throw new ManifestTooLargeException(what, descriptor.Size, limit);
        }

        using (verified)
        {
            var buffer = new MemoryStream((int)System.Math.Max(0, descriptor.Size));
            await verified.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
    }
}
