using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Registry;

/// <summary>
/// One blob's upload to a repository: a session (POST, or the one a declined mount opened), the bytes in one PUT
/// or in PATCH chunks, and the closing PUT; and what distribution clients do when a write's answer is lost (the
/// registry may have done it): after a PATCH, ask the session how far it got (GET on its Location: Range and a
/// fresh Location) and send only what is missing; after the closing PUT, HEAD the blob (there, with its size, is
/// done); when the session is gone, start again with a new POST, from the source's start if it can seek, else by
/// handing the loss up to the transfer, which opens the source again. Every re-send draws from the request's
/// <see cref="RetryBudget"/>; when it is spent, the caller sees the failure that lost the answer.
/// </summary>
internal sealed class BlobUploader
{
    /// <summary>Chunks are never cut smaller than this when a registry refuses a request for its size.</summary>
    internal const long MinimumPiece = 512 * 1024;

    private readonly RegistryTransport _transport;
    private readonly string _repository;
    private readonly string _scope;
    private readonly Func<Digest, CancellationToken, Task<long?>> _stat;

    public BlobUploader(RegistryTransport transport, string repository, string scope, Func<Digest, CancellationToken, Task<long?>> stat)
    {
        _transport = transport;
        _repository = repository;
        _scope = scope;
        _stat = stat;
    }

    /// <summary>How long cancelling an abandoned upload may take: a failing copy never waits longer on it.</summary>
    internal static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Uploads a blob; <paramref name="session"/> is an upload the registry opened already, or null. A session given
    /// up on (the upload failed, or starts again with a new one) is cancelled: no failure leaves one open.
    /// </summary>
    public async Task UploadAsync(Descriptor descriptor, Stream content, (Uri Location, long MinimumChunk)? session, IProgress<long>? bytesWritten, string what, CancellationToken cancellationToken)
    {
        var budget = RetryBudget.Current ?? new RetryBudget();
        using (RetryBudget.Enter(budget))
        {
            var origin = content.CanSeek ? content.Position : (long?)null;
            try
            {
                while (true)
                {
                    try
                    {
                        session ??= await StartAsync(what, cancellationToken).ConfigureAwait(false);
                        await UploadOnceAsync(descriptor, content, session.Value, bytesWritten, what, cancellationToken).ConfigureAwait(false);
                        return;
                    }
                    catch (RequestTooLargeException tooLarge)
                    {
                        // The blob went in one PUT, which a proxy or the registry refused for its size: from now on this
                        // registry gets chunks. The bytes already read are gone with the refused request: start again.
                        var chunk = FirstChunkUnder(descriptor.Size);
                        if (chunk < MinimumPiece)
                        {
                            throw Rethrown(tooLarge.Failure);
                        }

                        _transport.LearnedChunkSize = chunk;
                        _transport.Log.Verbose($"{_transport.Registry} refused {descriptor.Size} bytes in one request; uploading in chunks of {chunk} bytes.");
                        if (origin is not { } from)
                        {
                            throw new UploadRestartException(tooLarge.Failure);
                        }

                        content.Position = from;
                        await CancelAsync(session!.Value.Location, what).ConfigureAwait(false);
                        session = null;
                    }
                    catch (SessionLostException lost)
                    {
                        // A one-way stream cannot be read again here: the failure goes up, and the transfer opens the source again.
                        if (origin is not { } start || !await budget.TryRetryAsync(_transport.Log, null, cancellationToken).ConfigureAwait(false))
                        {
                            throw Rethrown(lost.Failure);
                        }

                        content.Position = start;
                        await CancelAsync(session!.Value.Location, what).ConfigureAwait(false);
                        session = null;
                    }
                }
            }
            catch when (session is not null)
            {
                // The source failed (a digest mismatch, a cut), the registry refused, or the copy was cancelled.
                await CancelAsync(session.Value.Location, what).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>
    /// Cancels an upload session no bytes will complete: DELETE on the Location the registry gave (the distribution
    /// spec's "cancel an upload"), so it keeps no upload directory until its purge. Best effort and bounded: a slow,
    /// refusing or unreachable registry costs at most <see cref="CancelTimeout"/> and a verbose line, and the
    /// failure the caller sees stays its own. It goes through the transport, so the Location meets the rules every
    /// upload request meets (scheme, origin, credentials).
    /// </summary>
    public async Task CancelAsync(Uri location, string what)
    {
        using var limit = new CancellationTokenSource(CancelTimeout);
        try
        {
            using var response = await _transport.SendAsync(HttpMethod.Delete, location, _scope, limit.Token, retry: false).ConfigureAwait(false);
            _transport.Log.Verbose(response.IsSuccessStatusCode
                ? $"Cancelled the unfinished {what}."
                : $"The registry answered {(int)response.StatusCode} to cancelling the unfinished {what}; it expires the session itself.");
        }
        catch (Exception ex)
        {
            _transport.Log.Verbose($"Could not cancel the unfinished {what} ({ex.Message}); the registry expires the session itself.");
        }
    }

    /// <summary>The first chunk size tried after a refused PUT: 8 MiB (passes the common caps of proxies and gateways), or half a smaller blob.</summary>
    private static long FirstChunkUnder(long size) => Math.Min(8L << 20, size / 2);

    /// <summary>An upload the registry opened: its Location and the smallest chunk it takes (OCI-Chunk-Min-Length).</summary>
    public static (Uri Location, long MinimumChunk) Session(RegistryTransport transport, HttpResponseMessage response, string what) =>
        (Location(transport, response, what),
         response.Headers.TryGetValues("OCI-Chunk-Min-Length", out var values) && long.TryParse(values.FirstOrDefault(), out var min) ? min : 0);

    /// <summary>Opens an upload session (POST).</summary>
    public async Task<(Uri Location, long MinimumChunk)> StartAsync(string what, CancellationToken cancellationToken)
    {
        // A POST whose answer is lost is simply sent again: the session it opened is left to the registry's clean-up.
        using var start = await _transport.SendAsync(HttpMethod.Post, _transport.Url($"v2/{_repository}/blobs/uploads/"), _scope, cancellationToken).ConfigureAwait(false);
        await RegistryResponses.EnsureSuccessAsync(start, _transport.Registry, what, cancellationToken).ConfigureAwait(false);
        return Session(_transport, start, what);
    }

    private async Task UploadOnceAsync(Descriptor descriptor, Stream content, (Uri Location, long MinimumChunk) session, IProgress<long>? bytesWritten, string what, CancellationToken cancellationToken)
    {
        var verified = VerifyingStream.Over(content, descriptor, what);
        var chunkSize = Math.Max(_transport.Options.ChunkSize > 0 ? _transport.Options.ChunkSize : _transport.LearnedChunkSize, session.MinimumChunk);
        var location = session.Location;
        if (chunkSize > 0 && descriptor.Size > chunkSize)
        {
            location = await UploadChunksAsync(location, verified, chunkSize, session.MinimumChunk, descriptor.Size, bytesWritten, what, cancellationToken).ConfigureAwait(false);
            await FinishAsync(descriptor, what, cancellationToken, () => _transport.SendAsync(HttpMethod.Put, WithDigest(location, descriptor.Digest), _scope, cancellationToken, retry: false,
                content: () => new ByteArrayContent(Array.Empty<byte>()))).ConfigureAwait(false);
            return;
        }

        await FinishAsync(descriptor, what, cancellationToken, () => _transport.SendAsync(HttpMethod.Put, WithDigest(location, descriptor.Digest), _scope, cancellationToken, retry: false, content: () =>
        {
            var body = new ProgressStreamContent(verified, bytesWritten);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            body.Headers.ContentLength = descriptor.Size;
            return body;
        })).ConfigureAwait(false);
    }

    /// <summary>The closing PUT; when its answer is lost, the blob is done if the registry holds it with its size.</summary>
    private async Task FinishAsync(Descriptor descriptor, string what, CancellationToken cancellationToken, Func<Task<HttpResponseMessage>> put)
    {
        HttpResponseMessage response;
        try
        {
            response = await put().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsLostAnswer(ex))
        {
            await AfterLostFinishAsync(descriptor, ex, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
            {
                throw new RequestTooLargeException(new RegistryErrorException(what, 413, null,
                    $"the registry, or a proxy before it, refuses a request of {descriptor.Size} bytes; upload in smaller chunks with Connect-OciRegistry {_transport.Registry} -ChunkSize"));
            }

            if (IsLostAnswer(response))
            {
                var failure = await FailureOf(response, what, cancellationToken).ConfigureAwait(false);
                await AfterLostFinishAsync(descriptor, failure, cancellationToken).ConfigureAwait(false);
                return;
            }

            await RegistryResponses.EnsureSuccessAsync(response, _transport.Registry, what, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AfterLostFinishAsync(Descriptor descriptor, Exception failure, CancellationToken cancellationToken)
    {
        // The registry verified the digest of what it stored: the blob there with its size is this blob, uploaded.
        if (await _stat(descriptor.Digest, cancellationToken).ConfigureAwait(false) == descriptor.Size)
        {
            _transport.Log.Verbose($"The answer to the upload of {descriptor.Digest} was lost, but the registry holds the blob.");
            return;
        }

        throw new SessionLostException(failure);
    }

    private async Task<Uri> UploadChunksAsync(Uri location, Stream content, long chunkSize, long minimumChunk, long total, IProgress<long>? bytesWritten, string what, CancellationToken cancellationToken)
    {
        var buffer = new byte[chunkSize];
        var piece = chunkSize;
        var minimumPiece = Math.Max(MinimumPiece, minimumChunk);
        long sent = 0;
        while (sent < total)
        {
            var filled = 0;
            int n;
            while (filled < buffer.Length && (n = await content.ReadAsync(buffer, filled, buffer.Length - filled, cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += n;
            }

            if (filled == 0)
            {
                break;
            }

            // The chunk stays in the buffer until the registry has it all: a lost answer re-sends only its missing tail,
            // and a request refused for its size (413, a proxy's cap) is sent again in halves, which later blobs keep.
            var end = sent + filled;
            while (sent < end)
            {
                var upTo = Math.Min(end, sent + piece);
                try
                {
                    (location, sent) = await PatchAsync(location, buffer, (int)(filled - (end - sent)), sent, upTo, what, cancellationToken).ConfigureAwait(false);
                }
                catch (RegistryErrorException refused) when (refused.StatusCode == 413 && upTo - sent > minimumPiece)
                {
                    piece = Math.Max(minimumPiece, (upTo - sent) / 2);
                    _transport.LearnedChunkSize = piece;
                    _transport.Log.Verbose($"{_transport.Registry} refused a chunk of {upTo - sent} bytes; sending chunks of {piece} bytes.");
                }
            }

            bytesWritten?.Report(sent);
        }

        // Reading to the end lets the verifier check the digest before the upload is committed.
        if (await content.ReadAsync(new byte[1], 0, 1, cancellationToken).ConfigureAwait(false) != 0)
        {
            throw new DigestMismatchException(what, default, "more bytes than its size");
        }

        return location;
    }

    /// <summary>
    /// Sends the bytes of the chunk from <paramref name="from"/> (at <paramref name="skip"/> in the buffer) to
    /// <paramref name="end"/>; returns the session's next Location and how far the registry has the blob.
    /// </summary>
    private async Task<(Uri Location, long Committed)> PatchAsync(Uri location, byte[] buffer, int skip, long from, long end, string what, CancellationToken cancellationToken)
    {
        Exception failure;
        try
        {
            // Not retried by the transport: sent again blindly, a PATCH the registry did would be refused for its range.
            using var response = await _transport.SendAsync(new HttpMethod("PATCH"), location, _scope, cancellationToken, retry: false, content: () =>
            {
                var body = new ByteArrayContent(buffer, skip, (int)(end - from));
                body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                body.Headers.TryAddWithoutValidation("Content-Range", $"{from}-{end - 1}");
                return body;
            }).ConfigureAwait(false);
            if (!IsLostAnswer(response))
            {
                await RegistryResponses.EnsureSuccessAsync(response, _transport.Registry, what, cancellationToken).ConfigureAwait(false);
                return (Location(_transport, response, what), end);
            }

            failure = await FailureOf(response, what, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsLostAnswer(ex))
        {
            failure = ex;
        }

        // The registry may have taken all of the chunk, part of it or none: its session says which.
        var (next, committed) = await StatusAsync(location, failure, what, cancellationToken).ConfigureAwait(false);
        if (committed < from - skip || committed > end)
        {
            // Before this chunk (bytes the buffer no longer holds) or past it: not a session to go on with.
            throw new SessionLostException(failure);
        }

        if (committed < end && !await RetryBudget.Current!.TryRetryAsync(_transport.Log, null, cancellationToken).ConfigureAwait(false))
        {
            throw Rethrown(failure);
        }

        _transport.Log.Verbose($"The answer to a chunk of {what} was lost; the registry has {committed} bytes, going on from there.");
        return (next, committed);
    }

    /// <summary>The session's Location and committed size (GET on the upload: 204, Range: 0-LAST); gone, <see cref="SessionLostException"/>.</summary>
    private async Task<(Uri Location, long Committed)> StatusAsync(Uri location, Exception failure, string what, CancellationToken cancellationToken)
    {
        using var response = await _transport.SendAsync(HttpMethod.Get, location, _scope, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status is 400 or 404 or 416)
        {
            // BLOB_UPLOAD_UNKNOWN, or distribution's BLOB_UPLOAD_INVALID: the Location we hold names an offset the
            // session has moved past, and the registry cancels it.
            throw new SessionLostException(failure);
        }

        await RegistryResponses.EnsureSuccessAsync(response, _transport.Registry, what, cancellationToken).ConfigureAwait(false);
        var next = response.Headers.Location is null ? location : Location(_transport, response, what);
        return (next, Committed(response));
    }

    /// <summary>
    /// The size the session holds from its Range header, "0-LAST". distribution writes "0-0" for an empty
    /// session as well as for one byte; taken as empty, since chunks are far larger than a byte.
    /// </summary>
    private static long Committed(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Range", out var values))
        {
            return 0;
        }

        var range = values.First();
        var dash = range.IndexOf('-');
        return dash > 0 && long.TryParse(range.Substring(dash + 1), out var last) && last > 0 ? last + 1 : 0;
    }

    /// <summary>A write whose answer never came: the connection failed, or a gateway gave up (5xx, 429).</summary>
    private static bool IsLostAnswer(Exception ex) => ex is RegistryUnreachableException or TooManyRequestsException;

    private static bool IsLostAnswer(HttpResponseMessage response) => (int)response.StatusCode >= 500 && (int)response.StatusCode is not 501 and not 505;

    private async Task<Exception> FailureOf(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            await RegistryResponses.EnsureSuccessAsync(response, _transport.Registry, what, cancellationToken).ConfigureAwait(false);
            throw new InvalidOperationException("a lost answer is a failure");
        }
        catch (OciException ex)
        {
            return ex;
        }
    }

    /// <summary>The Location of an upload, relative or absolute, with its query kept.</summary>
    private static Uri Location(RegistryTransport transport, HttpResponseMessage response, string what)
    {
        var location = response.Headers.Location ?? throw new RegistryErrorException(what, (int)response.StatusCode, null, "the registry gave no upload Location");
        return location.IsAbsoluteUri ? location : new Uri(transport.BaseUri, location);
    }

    private static Uri WithDigest(Uri location, Digest digest)
    {
        var builder = new UriBuilder(location);
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length > 0 ? query + "&" : string.Empty) + "digest=" + Uri.EscapeDataString(digest.ToString());
        return builder.Uri;
    }

    /// <summary>Throws the failure with its own stack (the return only satisfies the compiler).</summary>
    private static Exception Rethrown(Exception failure)
    {
        ExceptionDispatchInfo.Capture(failure).Throw();
        return failure;
    }

    /// <summary>A one-PUT upload refused for its size (413); carries the error the caller sees when chunks cannot help.</summary>
    private sealed class RequestTooLargeException(RegistryErrorException failure) : Exception(failure.Message, failure)
    {
        public RegistryErrorException Failure { get; } = failure;
    }

    /// <summary>The upload session is gone (or cannot go on); carries the failure that lost the answer, which the caller sees if no restart is made.</summary>
    private sealed class SessionLostException(Exception failure) : Exception(failure.Message, failure)
    {
        public Exception Failure { get; } = failure;
    }
}
