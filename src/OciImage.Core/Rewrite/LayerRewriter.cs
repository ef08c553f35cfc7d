using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Rewrite;

/// <summary>
/// One layer through the tar rewriter: its blob is read (any compression, recognised by its bytes), decompressed
/// under the decompression budget, hashed to check the DiffID the config gives it, passed through the rules, and
/// compressed again (the portable encoders, in fixed chunks: the same bytes everywhere) into a temp file while the
/// new DiffID and digest are computed. A layer no rule touches and whose compression stays is not read at all;
/// one the rules read but leave as it was keeps its blob.
/// </summary>
internal static class LayerRewriter
{
    public static async Task<RewrittenLayer> RewriteAsync(IImageStore source, Descriptor layer, Digest? diffId, LayerTarget target, TarRules rules, string stagingFolder, CancellationToken cancellationToken)
    {
        var what = $"layer {layer.Digest}";
        var declared = Compressions.OfMediaType(layer.MediaType);
        if (declared is null)
        {
            return RewrittenLayer.Kept(layer, diffId); // not a tar layer (a foreign blob of some other kind): left as it is
        }

        if (rules.IsEmpty && (target.Compression is null || target.Compression == declared))
        {
            return RewrittenLayer.Kept(layer, diffId);
        }

        Directory.CreateDirectory(stagingFolder);
        var temp = Path.Combine(stagingFolder, ".rewrite.tmp-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var blob = await source.OpenBlobAsync(layer, cancellationToken).ConfigureAwait(false);
            var (found, whole) = Compressions.Peek(new BufferedStream(blob, 1 << 16));
            var compression = target.Compression ?? (found is LayerCompression.Bzip2 or LayerCompression.Xz ? LayerCompression.Gzip : found);
            var budget = new DecompressionBudget(layer.Size, what);
            var tarView = new HashingReadStream(budget.Wrap(Compressions.Decompress(whole, found, what)));
            var rewriter = new TarRewriter(rules, what);
            Digest newDiffId, newDigest;
            long newSize;
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var compressor = new ParallelCompressingStream(file, compression, target.Level, GzipEncoder.Portable, target.Parallelism, cancellationToken);
                try
                {
                    if (rules.IsEmpty)
                    {
                        tarView.CopyTo(compressor, 1 << 16); // only the compression changes: the tar's bytes stay, and so does the DiffID
                    }
                    else
                    {
                        rewriter.Rewrite(tarView, compressor, cancellationToken);
                    }

                    // The rest of the blob (a compressor's trailer) is read too, so the store's digest check runs.
                    var rest = new byte[1 << 16];
                    while (blob.Read(rest, 0, rest.Length) > 0)
                    {
                    }
                }
                catch (Exception ex) when (ex is not OciException && LayerReader.IsCorruption(ex))
                {
                    throw new InvalidLayerException(what, "it is not a readable tar (" + ex.Message + ")", ex);
                }

                compressor.Complete();
                file.Flush(flushToDisk: true);
                newDiffId = compressor.DiffId;
                newDigest = compressor.Digest;
                newSize = compressor.BlobSize;
            }

            var sourceDiffId = tarView.Digest();
            if (diffId is { } expected && expected != sourceDiffId)
            {
                throw new DigestMismatchException($"the uncompressed {what} (its DiffID in the config)", expected, sourceDiffId.ToString());
            }

            if (newDiffId == sourceDiffId && compression == found)
            {
                return RewrittenLayer.Kept(layer, sourceDiffId); // the rules matched nothing here: the blob stays
            }

            var descriptor = new Descriptor
            {
                MediaType = target.MediaTypeFor(compression, layer.MediaType),
                Digest = newDigest,
                Size = newSize,
                Annotations = layer.Annotations,
            };
            var kept = temp + ".blob";
            File.Move(temp, kept);
            return new RewrittenLayer(layer, descriptor, sourceDiffId, newDiffId, kept, rewriter.Removed, rewriter.Retimed);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    /// <summary>A read-through view that hashes what passes (the DiffID of what was read).</summary>
    private sealed class HashingReadStream(Stream inner) : ReadOnlyStream
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public Digest Digest() => Core.Digest.FromHash(Core.Digest.Sha256, _sha.GetHashAndReset());

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            _sha.AppendData(buffer, offset, n);
            return n;
        }
    }
}
