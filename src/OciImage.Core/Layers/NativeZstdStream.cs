using System;
using System.IO;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// Reads a zstd stream (frames one after another, skippable frames skipped) through the system's libzstd. It
/// behaves as ZstdSharp's DecompressionStream does, call for call: it returns as soon as it has output, and input
/// that ends inside a frame is an EndOfStreamException("Premature end of stream"), so both decoders fail alike.
/// Output goes straight into the caller's buffer; the compressed stream is owned and disposed with it.
/// </summary>
internal sealed unsafe class NativeZstdStream : ReadOnlyStream
{
    /// <summary>Compressed bytes read at a time: ZSTD_DStreamInSize (a block and its header) rounded up.</summary>
    private const int InputSize = 1 << 17;

    private readonly NativeZstd _library;
    private readonly ZstdContextHandle _context;
    private readonly Stream _compressed;

    // Owned, never pooled: a dispose from another thread during a read must not hand it to another user while
    // the read still fills it.
    private readonly byte[] _input = new byte[InputSize];
    private bool _disposed;
    private int _inputSize;
    private int _inputPosition;
    private nuint _lastResult;
    private bool _drained = true;

    public NativeZstdStream(NativeZstd library, Stream compressed, int windowLogMax)
    {
        _library = library;
        _compressed = compressed;
        _context = library.CreateContext(windowLogMax);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (buffer is null || offset < 0 || count < 0 || offset > buffer.Length - count)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(NativeZstdStream));
        }

        if (count == 0)
        {
            return 0;
        }

        var input = _input;
        fixed (byte* outputStart = &buffer[offset])
        {
            var output = new NativeZstd.ZstdBuffer { Data = outputStart, Size = (nuint)count };
            while (true)
            {
                // Input left, or output the context holds back from the last call: decode before reading more.
                while (_inputPosition < _inputSize || !_drained)
                {
                    var before = _inputPosition;
                    nuint result;
                    fixed (byte* inputStart = input)
                    {
                        var source = new NativeZstd.ZstdBuffer { Data = inputStart, Size = (nuint)_inputSize, Position = (nuint)_inputPosition };
                        result = _library.DecompressStream(_context, &output, &source);
                        _inputPosition = (int)source.Position;
                    }

                    if (output.Position > 0 || before != _inputPosition)
                    {
                        // Zero when the last call that made progress ended a frame.
                        _lastResult = result;
                    }

                    _drained = output.Position < output.Size;
                    if (output.Position > 0)
                    {
                        return (int)output.Position;
                    }
                }

                var read = _compressed.Read(input, 0, InputSize);
                if (read == 0)
                {
                    if (_lastResult != 0)
                    {
                        throw new EndOfStreamException("Premature end of stream");
                    }

                    return 0;
                }

                _inputSize = read;
                _inputPosition = 0;
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _context.Dispose();
            _compressed.Dispose();
        }

        base.Dispose(disposing);
    }
}
