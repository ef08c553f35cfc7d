using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Registry;

/// <summary>
/// A response body that must keep moving: every window has to bring a minimum of bytes (or the end), as with
/// curl's --speed-limit and --speed-time. The request timeout only covers the wait for headers; without this a
/// registry that stalls or trickles after them would hold a copy for ever. A blob read then resumes with a new
/// request; a document read fails with RegistryUnreachable.
/// </summary>
internal sealed class SlowBodyGuardContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly string _registry;
    private readonly long _minimumBytes;
    private readonly TimeSpan _window;
    private readonly EngineClock _clock;

    public SlowBodyGuardContent(HttpContent inner, string registry, long minimumBytes, TimeSpan window, EngineClock clock)
    {
        _inner = inner;
        _registry = registry;
        _minimumBytes = minimumBytes;
        _window = window;
        _clock = clock;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new SlowBodyGuardStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), _registry, _minimumBytes, _window, _clock);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        using var body = await CreateContentReadStreamAsync().ConfigureAwait(false);
        await body.CopyToAsync(stream).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        // Content-Length, when the registry sent one, is among the copied headers.
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class SlowBodyGuardStream : ReadOnlyStream
    {
        private readonly Stream _inner;
        private readonly string _registry;
        private readonly long _minimumBytes;
        private readonly TimeSpan _window;

        // Cancelled when a window ends short of the minimum; re-armed (not re-created) each time it is reached.
        private readonly CancellationTokenSource _deadline = new();
        private readonly EngineClock _clock;
        private long _bytesInWindow;

        public SlowBodyGuardStream(Stream inner, string registry, long minimumBytes, TimeSpan window, EngineClock clock)
        {
            _inner = inner;
            _registry = registry;
            _minimumBytes = minimumBytes;
            _window = window;
            _clock = clock;
            Arm();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token) : null;
            int n;
            try
            {
                n = await _inner.ReadAsync(buffer, offset, count, linked?.Token ?? _deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (_deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new RegistryUnreachableException(
                    _registry, $"the response body stalled: less than {_minimumBytes / 1024} KiB in {_window.TotalSeconds:0} s", ex);
            }

            _bytesInWindow += n;
            if (n > 0 && _bytesInWindow >= _minimumBytes)
            {
                _bytesInWindow = 0;
                Arm();
            }

            return n;
        }

        private void Arm() => _clock.CancelAfter(_deadline, _window);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                _deadline.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
