using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core.IO;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The read-ahead pipe on its own: every byte in order however it is chunked, the reading thread's failure
/// delivered after the bytes before it, cancellation of a waiting reader, and no thread left once disposed,
/// even when the inner read is stuck. The layer scan through it: <see cref="LayerScanPipeTests"/>.
/// </summary>
public class ReadAheadStreamTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 2)]
    [InlineData(4096, 3)]
    [InlineData(ReadAheadStream.DefaultChunkSize, ReadAheadStream.DefaultDepth)]
    public void PassesEveryByteInOrderWhateverTheChunking(int chunkSize, int depth)
    {
        var data = new byte[300_000];
        new Random(chunkSize).NextBytes(data);
        var inner = new TrickleStream(data, maxRead: 5000);
        var pipe = new ReadAheadStream(inner, CancellationToken.None, chunkSize, depth);
        var read = ReadAll(pipe, new Random(depth));

        Assert.Equal(data, read);
        Assert.Equal(0, pipe.Read(new byte[10], 0, 10));
        pipe.Dispose();
        Assert.True(pipe.ThreadEnded);
        Assert.True(inner.Disposed);
    }

    [Fact]
    public void AFailureOfTheReadingThreadReachesTheReaderAfterTheBytesBeforeIt()
    {
        var inner = new FailingStream(10_000, new IOException("the disk is gone"));
        using var pipe = new ReadAheadStream(inner, CancellationToken.None, chunkSize: 4096, depth: 2);
        var buffer = new byte[3000];
        var total = 0;
        var error = Assert.Throws<IOException>(() =>
        {
            int n;
            while ((n = pipe.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += n;
            }
        });

        Assert.Equal(10_000, total);
        Assert.Equal("the disk is gone", error.Message);

        // It stays failed: a second read does not pass for the end of the stream.
        Assert.Throws<IOException>(() => pipe.Read(buffer, 0, buffer.Length));
        WaitFor(() => pipe.ThreadEnded);
    }

    [Fact]
    public void CancellingStopsAReaderThatWaitsAndTheThreadThatWaitsForRoom()
    {
        // The inner stream never ends; the reader holds one chunk and the thread fills the other, then waits for room.
        var inner = new EndlessStream();
        using var cancel = new CancellationTokenSource();
        var pipe = new ReadAheadStream(inner, cancel.Token, chunkSize: 1024, depth: 2);
        Assert.True(pipe.Read(new byte[100], 0, 100) > 0);
        WaitFor(() => inner.Reads >= 2);
        cancel.Cancel();

        // The thread was waiting for a free chunk: the cancellation ends it without a dispose.
        WaitFor(() => pipe.ThreadEnded);
        Assert.Throws<OperationCanceledException>(() => Drain(pipe));
        pipe.Dispose();
        Assert.True(inner.Disposed);
    }

    [Fact]
    public void DisposeReturnsWhileAReadIsStuckAndTheThreadDisposesTheStreamWhenItReturns()
    {
        using var stuck = new StuckStream(prefix: 100);
        using var cancel = new CancellationTokenSource();
        var pipe = new ReadAheadStream(stuck, cancel.Token, chunkSize: 4096, depth: 2);
        Assert.Equal(100, pipe.Read(new byte[4096], 0, 4096));
        cancel.CancelAfter(100);
        var clock = Stopwatch.StartNew();
        Assert.Throws<OperationCanceledException>(() => pipe.Read(new byte[4096], 0, 4096));
        pipe.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"dispose took {clock.Elapsed}");
        Assert.False(stuck.Disposed);

        stuck.Release();
        WaitFor(() => pipe.ThreadEnded && stuck.Disposed);
    }

    internal static void WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the read-ahead thread did not end");
            Thread.Sleep(10);
        }
    }

    private static byte[] ReadAll(Stream stream, Random random)
    {
        var output = new MemoryStream();
        var buffer = new byte[70_000];
        int n;
        while ((n = stream.Read(buffer, 0, random.Next(1, buffer.Length))) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    private static void Drain(Stream stream)
    {
        var buffer = new byte[4096];
        while (stream.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    /// <summary>Returns its data a little at a time, as a socket would.</summary>
    private sealed class TrickleStream(byte[] data, int maxRead) : ReadOnlyStream
    {
        private int _position;

        public bool Disposed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, maxRead), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>Gives <c>length</c> bytes, then throws.</summary>
    private sealed class FailingStream(int length, Exception failure) : ReadOnlyStream
    {
        private int _position;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == length)
            {
                throw failure;
            }

            var n = Math.Min(count, length - _position);
            Array.Clear(buffer, offset, n);
            _position += n;
            return n;
        }
    }

    /// <summary>Never ends.</summary>
    internal sealed class EndlessStream : ReadOnlyStream
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public bool Disposed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Interlocked.Increment(ref _reads);
            Array.Clear(buffer, offset, count);
            return count;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>Gives a prefix, then blocks in Read until released (a stalled download), then ends.</summary>
    internal sealed class StuckStream(int prefix, byte[]? content = null) : ReadOnlyStream
    {
        private readonly ManualResetEventSlim _released = new();
        private readonly byte[] _content = content ?? new byte[prefix];
        private int _position;
        private volatile bool _disposed;

        public bool Disposed => _disposed;

        public void Release() => _released.Set();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position < prefix)
            {
                var n = Math.Min(count, prefix - _position);
                Array.Copy(_content, _position, buffer, offset, n);
                _position += n;
                return n;
            }

            _released.Wait();
            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            _disposed = true;
            base.Dispose(disposing);
        }
    }
}
