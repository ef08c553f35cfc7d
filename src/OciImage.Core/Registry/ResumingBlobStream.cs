using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Stores;

namespace OciImage.Core.Registry;

/// <summary>
/// A blob download that survives dropped connections: on a read failure it asks again with
/// <c>Range: bytes=POSITION-</c> and goes on, as long as the request's <see cref="RetryBudget"/> allows. A registry that ignores Range
/// (answers 200) is read from the start and the bytes already had are skipped.
/// </summary>
internal sealed class ResumingBlobStream : ReadOnlyStream
{
    private readonly Func<long, CancellationToken, Task<HttpResponseMessage>> _reopen;
    private readonly long _length;
    private readonly RetryBudget _budget;
    private readonly string _registry;
    private readonly CancellationToken _cancellationToken;
    private HttpResponseMessage _response;
    private Stream? _body;
    private long _position;

    public ResumingBlobStream(HttpResponseMessage first, long offset, long length, Func<long, CancellationToken, Task<HttpResponseMessage>> reopen, RetryBudget budget, string registry, CancellationToken cancellationToken)
    {
        _response = first;
        _position = offset;
        _length = length;
        _reopen = reopen;
        _budget = budget;
        _registry = registry;
        _cancellationToken = cancellationToken;
    }

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        // Most reads carry no token of their own: link only when there are two to watch.
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellationToken) : null;
        var token = linked?.Token ?? _cancellationToken;
        while (true)
        {
            try
            {
                _body ??= await OpenBodyAsync().ConfigureAwait(false);
                var n = await _body.ReadAsync(buffer, offset, count, token).ConfigureAwait(false);
                if (n == 0 && _position < _length && _budget.CanRetry && !AtBlobEnd())
                {
                    // The connection ended early without an error: resume like after a drop.
                    throw new IOException("the connection closed before the end of the blob");
                }

                _position += n;
                return n;
            }
            catch (Exception ex) when ((ex is IOException || ex is HttpRequestException || ex is RegistryUnreachableException) && !token.IsCancellationRequested && _budget.TryTake())
            {
                // A resume is an attempt like any retry: it and the reopening GET's retries share one budget.
                _body?.Dispose();
                _body = null;
                _response.Dispose();
                try
                {
                    using (RetryBudget.Enter(_budget))
                    {
                        _response = await _reopen(_position, token).ConfigureAwait(false);
                    }
                }
                catch (RegistryErrorException range) when (range.StatusCode == 416)
                {
                    // Nothing at this offset: the blob is shorter than its descriptor, which the verifier reports.
                    _response = new HttpResponseMessage(HttpStatusCode.NoContent);
                    _body = Stream.Null;
                    return 0;
                }
            }
            catch (Exception ex) when ((ex is IOException || ex is HttpRequestException) && !token.IsCancellationRequested)
            {
                // The budget is spent: say the connection failed, not that a file did.
                throw new RegistryUnreachableException(_registry, $"the connection dropped after {_position} of {_length} bytes of a blob, and no retry is left ({ex.Message})", ex);
            }
        }
    }

    /// <summary>
    /// True when the body ended where the registry said the whole blob ends (Content-Length of a full answer,
    /// the total of a Content-Range): a blob shorter than its descriptor, not a dropped connection, so it is
    /// not asked for again.
    /// </summary>
    private bool AtBlobEnd()
    {
        var headers = _response.Content.Headers;
        long? total = _response.StatusCode == HttpStatusCode.PartialContent ? headers.ContentRange?.Length
            : _response.StatusCode == HttpStatusCode.OK ? headers.ContentLength
            : null;
        return total is { } end && _position >= end;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body?.Dispose();
            _response.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<Stream> OpenBodyAsync()
    {
        var body = await _response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        if (_position > 0 && _response.StatusCode == HttpStatusCode.OK)
        {
            // The registry sent the whole blob: skip what we already have.
            var skip = _position;
            var scratch = new byte[81920];
            while (skip > 0)
            {
                var n = await body.ReadAsync(scratch, 0, (int)Math.Min(scratch.Length, skip), _cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                skip -= n;
            }
        }

        return body;
    }
}
