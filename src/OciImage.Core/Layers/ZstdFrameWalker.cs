using System;
using System.IO;
using OciImage.Core.IO;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace OciImage.Core.Layers;

/// <summary>
/// Passes a zstd stream to either decoder while following its frames (headers, block sizes, checksums,
/// skippable frames; RFC 8878) without decoding them, and stops before any frame header that is not a zstd or
/// skippable frame (libzstd's legacy formats), has its reserved bit set, or asks for a window over the limit.
/// Both decoders check the window only when they stream; a frame whose whole content fits the caller's buffer
/// and whose bytes are all in the decoder's input is decoded in one pass without that check, so without this the
/// outcome would depend on how the input happened to be chunked. The stop is placed before the header's last byte:
/// whatever the decoder finds wrong earlier in the stream it reports first, the same for both.
/// </summary>
internal sealed class ZstdFrameWalker : ReadOnlyStream
{
    private const uint Magic = 0xFD2FB528;

    private static readonly int[] DictionaryIdSizes = { 0, 1, 2, 4 };

    private readonly Stream _inner;
    private readonly ulong _windowMax;
    private readonly byte[] _header = new byte[18];
    private State _state = State.Magic;
    private int _have;
    private int _need = 4;
    private long _skip;
    private bool _checksum;
    private ZstdException? _refusal;

    public ZstdFrameWalker(Stream inner, int windowLogMax)
    {
        _inner = inner;
        _windowMax = 1UL << windowLogMax;
    }

    private enum State
    {
        Magic,
        Descriptor,
        Header,
        SkippableSize,
        BlockHeader,
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_refusal is not null)
        {
            throw _refusal;
        }

        var read = _inner.Read(buffer, offset, count);
        var passed = Walk(buffer, offset, read);
        if (passed == 0 && _refusal is not null)
        {
            throw _refusal;
        }

        return passed;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Follows the frames through <paramref name="count"/> bytes; returns how many may pass.</summary>
    private int Walk(byte[] buffer, int offset, int count)
    {
        var i = 0;
        while (i < count)
        {
            if (_skip > 0)
            {
                var step = (int)Math.Min(_skip, count - i);
                i += step;
                _skip -= step;
                if (_skip == 0 && _state == State.Magic)
                {
                    _have = 0;
                    _need = 4;
                }

                continue;
            }

            _header[_have++] = buffer[offset + i];
            if (_have == _need && !HeaderComplete())
            {
                return i;
            }

            i++;
        }

        return count;
    }

    /// <summary>Acts on a complete header piece; false (with the refusal set) to stop before its last byte.</summary>
    private bool HeaderComplete()
    {
        switch (_state)
        {
            case State.Magic:
                var magic = BitConverter.ToUInt32(_header, 0);
                if (magic == Magic)
                {
                    (_state, _need) = (State.Descriptor, 5);
                    return true;
                }

                if ((magic & 0xFFFFFFF0) == 0x184D2A50)
                {
                    (_state, _need) = (State.SkippableSize, 8);
                    return true;
                }

                return Refuse(ZSTD_ErrorCode.ZSTD_error_prefix_unknown, "Unknown frame descriptor");

            case State.Descriptor:
                var descriptor = _header[4];
                var singleSegment = (descriptor & 0x20) != 0;
                var contentSizeFlag = descriptor >> 6;
                _checksum = (descriptor & 0x04) != 0;
                _need = 5 + (singleSegment ? 0 : 1) + DictionaryIdSizes[descriptor & 3]
                    + (contentSizeFlag == 0 ? (singleSegment ? 1 : 0) : 1 << contentSizeFlag);
                _state = State.Header;
                return true;

            case State.Header:
                return FrameHeaderComplete();

            case State.SkippableSize:
                _skip = BitConverter.ToUInt32(_header, 4);
                StartFrame();
                return true;

            default:
                var block = _header[0] | (_header[1] << 8) | (_header[2] << 16);
                var last = (block & 1) != 0;
                var type = (block >> 1) & 3;
                var size = block >> 3;
                _skip = type == 1 ? 1 : size;
                if (last)
                {
                    _skip += _checksum ? 4 : 0;
                    StartFrame();
                }
                else
                {
                    _have = 0;
                    _need = 3;
                }

                return true;
        }
    }

    private bool FrameHeaderComplete()
    {
        var descriptor = _header[4];
        if ((descriptor & 0x08) != 0)
        {
            return Refuse(ZSTD_ErrorCode.ZSTD_error_frameParameter_unsupported, "Unsupported frame parameter");
        }

        ulong window;
        if ((descriptor & 0x20) == 0)
        {
            var exponent = (_header[5] >> 3) + 10;
            if (exponent > 40)
            {
                return Refuse(ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge, "Frame requires too much memory for decoding");
            }

            var bas = 1UL << exponent;
            window = bas + ((bas >> 3) * (ulong)(_header[5] & 7));
        }
        else
        {
            // A single-segment frame's window is its content size (the last 1, 2, 4 or 8 header bytes).
            var sizeBytes = _need - (5 + DictionaryIdSizes[descriptor & 3]);
            window = 0;
            for (var b = sizeBytes - 1; b >= 0; b--)
            {
                window = (window << 8) | _header[_need - sizeBytes + b];
            }

            window += sizeBytes == 2 ? 256UL : 0;
        }

        if (window > _windowMax)
        {
            return Refuse(ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge, "Frame requires too much memory for decoding");
        }

        (_state, _have, _need) = (State.BlockHeader, 0, 3);
        return true;
    }

    private void StartFrame() => (_state, _have, _need) = (State.Magic, 0, 4);

    private bool Refuse(ZSTD_ErrorCode code, string message)
    {
        _refusal = new ZstdException(code, message);
        return false;
    }
}
