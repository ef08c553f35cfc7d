using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Transfer;

/// <summary>
/// Saves a blob to a file: streamed into PATH.partial, verified, then renamed. A download cut short leaves the
/// .partial file, and the next call resumes from its length; bytes that fail verification are deleted.
/// </summary>
internal static class BlobDownloader
{
    public static string PartialPath(string path) => path + ".partial";

    public static async Task SaveAsync(IImageStore store, Descriptor descriptor, string path, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var partial = PartialPath(path);
        var what = $"blob {descriptor.Digest} of {store.Location}";
        using var hash = Digest.CreateHash(descriptor.Digest.Algorithm);
        long offset = 0;
        if (File.Exists(partial))
        {
            var existing = new FileInfo(partial).Length;
            if (existing <= descriptor.Size)
            {
                // Hash what we have, then ask only for the rest.
                using var prefix = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read);
                var scratch = new byte[81920];
                int n;
                while ((n = prefix.Read(scratch, 0, scratch.Length)) > 0)
                {
                    hash.AppendData(scratch, 0, n);
                    offset += n;
                }
            }
            else
            {
                File.Delete(partial);
            }
        }

        try
        {
            using (var source = offset < descriptor.Size || descriptor.Size == 0
                ? await store.OpenBlobRangeAsync(descriptor, offset, cancellationToken).ConfigureAwait(false)
                : Stream.Null)
            using (var file = new FileStream(partial, FileMode.Append, FileAccess.Write, FileShare.None, 81920))
            {
                var buffer = new byte[81920];
                int n;
                while ((n = await source.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (offset + n > descriptor.Size)
                    {
                        throw new DigestMismatchException(what, descriptor.Digest, $"more than the {descriptor.Size} bytes it should have");
                    }

                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer, 0, n, cancellationToken).ConfigureAwait(false);
                    offset += n;
                    progress?.Report(offset);
                }

                file.Flush(flushToDisk: true);
            }

            var actual = Digest.FromHash(descriptor.Digest.Algorithm, hash.GetHashAndReset());
            if (offset != descriptor.Size || actual != descriptor.Digest)
            {
                throw new DigestMismatchException(what, descriptor.Digest, offset != descriptor.Size ? $"{offset} bytes instead of {descriptor.Size}" : actual.ToString());
            }

            AtomicFile.MoveOver(partial, path);
        }
        catch (DigestMismatchException)
        {
            AtomicFile.TryDelete(partial);
            throw;
        }
    }
}
