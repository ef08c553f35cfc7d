using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace OciImage.Core.IO;

/// <summary>
/// A bounded pipe between two threads: a thread of its own reads the inner stream (a blob's file or download and
/// the verifier that hashes it) ahead of the reader (the decompressor and tar reader), at most
/// <c>depth</c> chunks ahead. Hashing and decompressing a layer then use two cores instead of taking turns on one.
/// What the inner stream throws (a digest mismatch, a read error) reaches the reader in order, after the bytes
/// read before it, as the same exception. Disposing (or cancelling) stops the thread; the inner stream is
/// disposed once its thread has let go of it, so no read ever races a dispose.
/// </summary>
internal sealed class ReadAheadStream : ReadOnlyStream
{
    public const int DefaultChunkSize = 1 << 18;

    public const int DefaultDepth = 4;

    /// <summary>How long Dispose waits for a read in progress; after that the thread disposes the inner stream itself when the read returns.</summary>
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(2);

    private static int _running;

    private readonly Stream _inner;
    private readonly object _lock = new();
    private readonly Queue<Chunk> _filled = new();
    private readonly Stack<byte[]> _free = new();
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;
    private readonly Thread _thread;
    private Chunk _current;
    private int _position;
    private bool _stopping;
    private bool _disposed;

    // 0 while the thread runs; 1 once Dispose has given up waiting (the thread disposes the inner stream); 2 once the thread is done.
    private int _handoff;

    /// <param name="inner">Read on the pipe's own thread from now on; owned, disposed with this stream.</param>
    /// <param name="cancellationToken">Stops the thread and makes a waiting <see cref="Read"/> throw OperationCanceledException.</param>
    public ReadAheadStream(Stream inner, CancellationToken cancellationToken, int chunkSize = DefaultChunkSize, int depth = DefaultDepth)
    {
        _inner = inner;
        _cancellationToken = cancellationToken;
        for (var i = 0; i < depth; i++)
        {
            _free.Push(new byte[chunkSize]);
        }

        _registration = cancellationToken.Register(Wake);
        _thread = new Thread(Produce) { IsBackground = true, Name = "OciImage read-ahead" };
        Interlocked.Increment(ref _running);
        _thread.Start();
    }

    /// <summary>Reading threads of this process still running (for tests: none is left behind).</summary>
    internal static int Running => Volatile.Read(ref _running);

    /// <summary>Whether this stream's reading thread has ended.</summary>
    internal bool ThreadEnded => !_thread.IsAlive;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (buffer is null || offset < 0 || count < 0 || offset > buffer.Length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(ReadAheadStream));
        }

        if (count == 0)
        {
            return 0;
        }

        if (_current.Data is null || _position == _current.Count)
        {
            if (!NextChunk())
            {
                return 0;
            }
        }

        var n = Math.Min(count, _current.Count - _position);
        Buffer.BlockCopy(_current.Data!, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            lock (_lock)
            {
                _stopping = true;
                Monitor.PulseAll(_lock);
            }

            _registration.Dispose();

            // Joined: the inner stream is free to dispose here. Not joined (a read that blocks): the thread disposes it when the read returns.
            if (_thread.Join(JoinTimeout) || Interlocked.CompareExchange(ref _handoff, 1, 0) != 0)
            {
                _inner.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>The next filled chunk (the used one goes back to the thread); false at the end; the thread's failure rethrown.</summary>
    private bool NextChunk()
    {
        lock (_lock)
        {
            if (_current.Data is not null)
            {
                _free.Push(_current.Data);
                Monitor.PulseAll(_lock);
            }
            else if (_current.Ended)
            {
                return false;
            }

            _current = default;
            while (_filled.Count == 0)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                Monitor.Wait(_lock);
            }

            var next = _filled.Peek();
            if (next.Failure is { } failure)
            {
                // Stays queued: every later read throws it again.
                failure.Throw();
            }

            _current = _filled.Dequeue();
            _position = 0;
            return _current.Data is not null;
        }
    }

    private void Produce()
    {
        try
        {
            while (true)
            {
                byte[] buffer;
                lock (_lock)
                {
                    while (_free.Count == 0 && !Stopped)
                    {
                        Monitor.Wait(_lock);
                    }

                    if (Stopped)
                    {
                        return;
                    }

                    buffer = _free.Pop();
                }

                Chunk chunk;
                try
                {
                    var n = _inner.Read(buffer, 0, buffer.Length);
                    chunk = n > 0 ? new Chunk(buffer, n, null, false) : new Chunk(null, 0, null, true);
                }
                catch (Exception ex)
                {
                    chunk = new Chunk(null, 0, ExceptionDispatchInfo.Capture(ex), true);
                }

                lock (_lock)
                {
                    _filled.Enqueue(chunk);
                    Monitor.PulseAll(_lock);
                }

                if (chunk.Ended)
                {
                    return;
                }
            }
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _handoff, 2, 0) == 1)
            {
                DisposeQuietly(_inner);
            }

            Interlocked.Decrement(ref _running);
        }
    }

    private bool Stopped => _stopping || _cancellationToken.IsCancellationRequested;

    private void Wake()
    {
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>On the pipe's thread nothing may escape: an exception there would end the process.</summary>
    private static void DisposeQuietly(Stream stream)
    {
        try
        {
            stream.Dispose();
        }
        catch (Exception)
        {
            // Nobody is left to tell: the reader is gone.
        }
    }

    /// <summary>Filled bytes, or the end (Data null), or the inner stream's failure.</summary>
    private readonly struct Chunk(byte[]? data, int count, ExceptionDispatchInfo? failure, bool ended)
    {
        public byte[]? Data { get; } = data;

        public int Count { get; } = count;

        public ExceptionDispatchInfo? Failure { get; } = failure;

        public bool Ended { get; } = ended;
    }
}
