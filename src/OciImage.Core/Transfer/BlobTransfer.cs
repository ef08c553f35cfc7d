using System;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Transfer;

/// <summary>How a blob got to the destination: it was there, the store reused it (a mount), or its bytes were copied.</summary>
internal enum BlobOutcome
{
    Skipped,
    Mounted,
    Copied,
}

/// <summary>
/// Makes sure a blob is in a target store: nothing when it is there already, a cross-repository mount when
/// both are repositories of one registry, else a stream from source to target through the digest verifier.
/// </summary>
internal static class BlobTransfer
{
    /// <summary>Failures worth starting an upload again for: the connection, or the registry's own trouble.</summary>
    private static bool IsTransient(Exception ex) => ex switch
    {
        Errors.RegistryUnreachableException => true,
        UploadRestartException => true,
        Errors.RegistryErrorException registry => registry.StatusCode >= 500,
        System.IO.IOException => true,
        System.Net.Http.HttpRequestException => true,
        _ => false,
    };

    /// <summary>
    /// Makes sure one blob is in the target. <paramref name="budget"/> is the blob's: its reads, resumes and
    /// restarts all draw from it (the stores see it as the current budget while they work).
    /// <paramref name="present"/> is what this run already learned of the blob at the target (a mirror's plan asked
    /// it); null asks.
    /// </summary>
    public static async Task<BlobOutcome> EnsureAsync(IImageStore source, IImageStore target, Descriptor blob, RetryBudget budget, IEngineLog log, IProgress<long>? progress, CancellationToken cancellationToken, bool? present = null)
    {
        // Present only counts with the descriptor's size (and, in a layout, its digest): anything else is read
        // again from the source, whose verifier decides.
        if (present ?? await target.HasBlobAsync(blob, cancellationToken).ConfigureAwait(false))
        {
            log.Verbose($"Blob {blob.Digest} is already in {target.Location}; skipped.");
            return BlobOutcome.Skipped;
        }

        if (target is IBlobReuse reuse && await reuse.TryReuseBlobAsync(blob, source, cancellationToken).ConfigureAwait(false))
        {
            log.Verbose($"Blob {blob.Digest} reused from {source.Location} without copying it.");
            return BlobOutcome.Mounted;
        }

        // An upload cut off half way cannot continue from a one-way stream: it starts again. Its GETs, resumes and
        // restarts share one budget of -MaximumRetryCount + 1 attempts, so the layers do not multiply.
        using (RetryBudget.Enter(budget))
        {
            var first = true;
            while (true)
            {
                try
                {
                    // The first attempt opens the target's upload while the source's GET is under way; a restart does not.
                    using (var stream = await OpenAsync(source, first ? target as IUploadPreparation : null, blob, cancellationToken).ConfigureAwait(false))
                    {
                        first = false;
                        await target.PutBlobAsync(blob, stream, progress, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                }
                catch (Exception ex) when (IsTransient(ex) && budget.CanRetry && !cancellationToken.IsCancellationRequested)
                {
                    log.Verbose($"Upload of {blob.Digest} failed ({ex.Message}); starting it again.");
                    await budget.TryRetryAsync(log, null, cancellationToken).ConfigureAwait(false);
                }
                catch (UploadRestartException restart)
                {
                    // No attempt left to start again: the user sees why the upload had to restart.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(restart.InnerException!).Throw();
                }
            }
        }

        log.Verbose($"Blob {blob.Digest} ({blob.Size} bytes) copied to {target.Location}.");
        return BlobOutcome.Copied;
    }

    /// <summary>
    /// Opens the source's blob and, at the same time, the target's upload when it has one to open: both wait on a
    /// round trip, so together they cost one. Either failing fails the attempt, with nothing left open.
    /// </summary>
    private static async Task<System.IO.Stream> OpenAsync(IImageStore source, IUploadPreparation? target, Descriptor blob, CancellationToken cancellationToken)
    {
        if (target is null)
        {
            return await source.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
        }

        var prepared = target.PrepareUploadAsync(blob, cancellationToken);
        System.IO.Stream stream;
        try
        {
            stream = await source.OpenBlobAsync(blob, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // The source's failure is the one to report; the upload opened for it is cancelled, not left open.
            await Task.WhenAny(prepared).ConfigureAwait(false);
            _ = prepared.Exception;
            await target.AbandonUploadAsync(blob).ConfigureAwait(false);
            throw;
        }

        try
        {
            await prepared.ConfigureAwait(false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return stream;
    }
}
