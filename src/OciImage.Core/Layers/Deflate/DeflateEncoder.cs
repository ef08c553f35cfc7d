using System;
using System.Runtime.CompilerServices;

namespace OciImage.Core.Layers.Deflate;

/// <summary>
/// A deflate (RFC 1951) encoder in managed code whose output depends only on its input and level: no runtime
/// zlib, no SIMD or CPU-dependent decisions, no floating point, no hash-table ordering, no threads. LZ77 over a
/// 32 KiB window with hash chains (greedy at levels 1 to 3, one search a match as zlib-ng's "medium" at 4 to 6,
/// lazy at 7 to 9),
/// then per block of 16,384 symbols the smallest of a dynamic Huffman block, the fixed-code block and stored
/// blocks, with length-limited Huffman codes built from (frequency, symbol)-ordered lists.
/// One instance is not thread-safe; use one per thread (<see cref="ForThisThread"/>).
/// </summary>
public sealed unsafe class DeflateEncoder
{
    public const int MinLevel = 1;
    public const int MaxLevel = 9;
    public const int DefaultLevel = 6;

    private const int HashBits = 16;
    private const int HashSize = 1 << HashBits;
    private const int WindowSize = 32768;
    private const int WindowMask = WindowSize - 1;
    private const int MaxDistance = WindowSize - 1;
    private const int MinMatch = 4;
    private const int MaxMatch = 258;
    private const int BlockSymbols = 16384;
    private const int LitCodes = 286;
    private const int DistCodes = 30;
    private const int EndOfBlock = 256;

    /// <summary>An empty hash head: a position so far back that every distance to it ends a chain.</summary>
    private const int NoPosition = -65536;

    private enum Matching
    {
        /// <summary>Takes the match found at each position; a long match's positions are not hashed.</summary>
        Greedy,

        /// <summary>Takes a match at a position only when the next position has none as long (two searches a match).</summary>
        Lazy,

        /// <summary>One search a match, then one at its end that may take the match over (<see cref="CompressMedium"/>).</summary>
        Medium,
    }

    // good, lazy (max insert for greedy levels), nice, chain, matching. Levels 1 to 3 are zlib's; 4 to 6 match
    // as zlib-ng's do ("medium"), with shorter searches than zlib-ng's: on the .NET SDK's tar, level 6 (nice 64,
    // chain 32) is 0.2% smaller than zlib-ng's level 6 and faster than it; 7 is zlib's 6, 8 zlib's 7, 9 zlib's 9.
    // Changing a row changes the layer digests of that level: the golden-digest tests say so.
    private static readonly (int Good, int Lazy, int Nice, int Chain, Matching Matching)[] Levels =
    {
        (0, 0, 0, 0, Matching.Greedy),
        (4, 4, 8, 4, Matching.Greedy),
        (4, 5, 16, 8, Matching.Greedy),
        (4, 6, 32, 32, Matching.Greedy),
        (0, 0, 16, 8, Matching.Medium),
        (0, 0, 32, 16, Matching.Medium),
        (0, 0, 64, 32, Matching.Medium),
        (8, 16, 128, 128, Matching.Lazy),
        (8, 32, 128, 256, Matching.Lazy),
        (32, 258, 258, 4096, Matching.Lazy),
    };

    private static readonly int[] LengthBase = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
    private static readonly int[] LengthExtra = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
    private static readonly int[] DistBase = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
    private static readonly int[] DistExtra = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };
    private static readonly byte[] CodeLengthOrder = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

    /// <summary>Length code (0..28) for a match length minus 3.</summary>
    private static readonly byte[] LengthCodeOf = new byte[256];

    /// <summary>Distance code for distance-1 below 256, then for (distance-1) >> 7 at 256 and on.</summary>
    private static readonly byte[] DistCodeOf = new byte[512];

    /// <summary>
    /// The literal/length code of a symbol's low 9 bits (a literal, or 256 + length - 3), so that literals and
    /// matches are counted and written by the same branch-free steps.
    /// </summary>
    private static readonly ushort[] LitLenCodeOf = new ushort[512];

    /// <summary>
    /// The distance code of a symbol's distance (its bits from 9 on; 0 for a literal) through <see cref="DistanceSlot"/>;
    /// a literal's is <see cref="NoDistance"/>, a code of no bits.
    /// </summary>
    private static readonly byte[] DistCodeOfSlot = new byte[513];

    /// <summary>The distance code that a literal counts and writes: zero bits, counted in a slot no block uses.</summary>
    private const int NoDistance = DistCodes;

    private static readonly byte[] FixedLitLengths = new byte[288];
    private static readonly uint[] FixedLitCodes = new uint[288];
    private static readonly byte[] FixedDistLengths = new byte[DistCodes];
    private static readonly uint[] FixedDistCodes = new uint[DistCodes];

    [ThreadStatic]
    private static DeflateEncoder? _forThisThread;

    private readonly int[] _head = new int[HashSize];
    private readonly ushort[] _prev = new ushort[WindowSize];
    private readonly uint[] _symbols = new uint[BlockSymbols];
    private readonly int[] _litFreq = new int[LitCodes];
    private readonly int[] _distFreq = new int[DistCodes + 1]; // and NoDistance's, unused
    private readonly byte[] _litLengths = new byte[LitCodes];
    private readonly uint[] _litCodes = new uint[LitCodes];
    private readonly byte[] _distLengths = new byte[DistCodes];
    private readonly uint[] _distCodes = new uint[DistCodes];
    private readonly int[] _clFreq = new int[19];
    private readonly byte[] _clLengths = new byte[19];
    private readonly uint[] _clCodes = new uint[19];
    private readonly int[] _rle = new int[LitCodes + DistCodes];
    private readonly long[] _sortKeys = new long[LitCodes];
    private readonly int[] _depths = new int[LitCodes];
    private readonly int[] _lengthCounts = new int[LitCodes + 1];
    private readonly uint[] _litLenBits = new uint[512];
    private readonly byte[] _litLenBitCount = new byte[512];
    private readonly uint[] _distBits = new uint[DistCodes + 1];
    private readonly byte[] _distBitCount = new byte[DistCodes + 1];
    private readonly byte[] _distCodeLength = new byte[DistCodes + 1];
    private readonly int[] _distBase = new int[DistCodes + 1];

    private int _symbolCount;
    private int _blockStart;
    private int _emitted;
    private byte* _out;
    private byte* _outEnd;
    private ulong _bitBuffer;
    private int _bitCount;

    static DeflateEncoder()
    {
        for (var length = 3; length <= MaxMatch; length++)
        {
            var code = 28;
            while (LengthBase[code] > length)
            {
                code--;
            }

            LengthCodeOf[length - 3] = (byte)code;
        }

        for (var code = 0; code < DistCodes; code++)
        {
            var first = DistBase[code] - 1;
            var last = first + (1 << DistExtra[code]);
            for (var d = first; d < last; d++)
            {
                if (d < 256)
                {
                    DistCodeOf[d] = (byte)code;
                }
                else
                {
                    DistCodeOf[256 + (d >> 7)] = (byte)code;
                }
            }
        }

        for (var v = 0; v < 512; v++)
        {
            LitLenCodeOf[v] = (ushort)(v < 256 ? v : 257 + LengthCodeOf[v - 256]);
        }

        DistCodeOfSlot[0] = NoDistance;
        for (var distance = 1; distance <= 32768; distance++)
        {
            var d = distance - 1;
            DistCodeOfSlot[DistanceSlot((uint)distance)] = d < 256 ? DistCodeOf[d] : DistCodeOf[256 + (d >> 7)];
        }

        for (var i = 0; i < 288; i++)
        {
            FixedLitLengths[i] = (byte)(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
        }

        BuildCodes(FixedLitLengths, 288, FixedLitCodes);
        for (var i = 0; i < DistCodes; i++)
        {
            FixedDistLengths[i] = 5;
        }

        BuildCodes(FixedDistLengths, DistCodes, FixedDistCodes);
    }

    /// <summary>This thread's encoder (its tables are reused from chunk to chunk).</summary>
    public static DeflateEncoder ForThisThread => _forThisThread ??= new DeflateEncoder();

    /// <summary>
    /// The most bytes <see cref="Compress"/> writes for <paramref name="length"/> bytes of input: every block is at
    /// most as large as storing it (5 bytes for each 65,535 and a few for alignment).
    /// </summary>
    public static int MaxOutput(int length) => length + ((length / 16384) + 2) * 6 + ((length / 65535) + 2) * 5 + 64;

    /// <summary>
    /// Compresses <paramref name="length"/> bytes of <paramref name="input"/> as one complete raw deflate stream
    /// (the last block final) into <paramref name="output"/> at <paramref name="outputOffset"/>; returns the
    /// bytes written. Throws when the output has less room than <see cref="MaxOutput"/>.
    /// </summary>
    public int Compress(byte[] input, int length, byte[] output, int outputOffset, int level = DefaultLevel)
    {
        if (level < MinLevel || level > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, $"The deflate level must be {MinLevel} to {MaxLevel}.");
        }

        if ((uint)length > (uint)input.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        if (outputOffset < 0 || output.Length - outputOffset < MaxOutput(length))
        {
            throw new ArgumentException("The output buffer is too small for the worst case.", nameof(output));
        }

        new Span<int>(_head).Fill(NoPosition);
        Array.Clear(_litFreq, 0, _litFreq.Length);
        Array.Clear(_distFreq, 0, _distFreq.Length);
        _symbolCount = 0;
        _blockStart = 0;
        _emitted = 0;
        _bitBuffer = 0;
        _bitCount = 0;

        // A pinned dummy byte stands in for an empty input (fixed on an empty array gives null).
        var empty = stackalloc byte[8];
        fixed (byte* inputPointer = input)
        fixed (byte* outputPointer = output)
        {
            var src = length == 0 ? empty : inputPointer;
            _out = outputPointer + outputOffset;
            _outEnd = outputPointer + output.Length;
            var config = Levels[level];
            if (config.Matching == Matching.Medium)
            {
                CompressMedium(src, length, config.Nice, config.Chain);
            }
            else if (config.Matching == Matching.Lazy)
            {
                CompressLazy(src, length, config.Good, config.Lazy, config.Nice, config.Chain);
            }
            else
            {
                CompressGreedy(src, length, config.Lazy, config.Nice, config.Chain);
            }

            FlushBlock(src, final: true);
            AlignToByte();
            var written = (int)(_out - (outputPointer + outputOffset));
            _out = null;
            _outEnd = null;
            return written;
        }
    }

    // Optimised at once (no tiering: a layer build calls these a handful of times, each for a long run).
    private const MethodImplOptions Hot = (MethodImplOptions)512; // AggressiveOptimization, unknown to netstandard2.0

    [MethodImpl(Hot)]
    private void CompressGreedy(byte* src, int end, int maxInsert, int nice, int chain)
    {
        fixed (int* head = _head)
        fixed (ushort* prev = _prev)
        fixed (uint* symbols = _symbols)
        {
            var pos = 0;
            var count = _symbolCount;
            var lastHashable = end - MinMatch;
            while (pos < end)
            {
                var length = 0;
                var distance = 0;
                if (pos <= lastHashable)
                {
                    var candidate = Insert(src, pos, head, prev);
                    if (pos - candidate <= MaxDistance)
                    {
                        var match = FindMatch(src, pos, end, candidate, MinMatch - 1, chain, nice, prev);
                        length = match & 0xFFFF;
                        distance = match >> 16;
                    }
                }

                if (length >= MinMatch)
                {
                    symbols[count++] = (uint)((distance << 9) | (256 + length - 3));
                    var stop = pos + length;
                    if (length <= maxInsert)
                    {
                        var last = Math.Min(stop, lastHashable + 1);
                        for (var p = pos + 1; p < last; p++)
                        {
                            Insert(src, p, head, prev);
                        }
                    }

                    pos = stop;
                }
                else
                {
                    symbols[count++] = src[(uint)pos];
                    pos++;
                }

                if (count == BlockSymbols)
                {
                    _symbolCount = count;
                    _emitted = pos;
                    FlushBlock(src, final: false);
                    count = 0;
                }
            }

            _symbolCount = count;
            _emitted = end;
        }
    }

    [MethodImpl(Hot)]
    private void CompressLazy(byte* src, int end, int good, int lazy, int nice, int chain)
    {
        fixed (int* head = _head)
        fixed (ushort* prev = _prev)
        fixed (uint* symbols = _symbols)
        {
            var pos = 0;
            var count = _symbolCount;
            var previousLength = 0;
            var previousDistance = 0;
            var pending = false;
            var lastHashable = end - MinMatch;
            while (pos < end)
            {
                var length = 0;
                var distance = 0;
                if (pos <= lastHashable)
                {
                    var candidate = Insert(src, pos, head, prev);
                    if (previousLength < lazy && pos - candidate <= MaxDistance)
                    {
                        var match = FindMatch(src, pos, end, candidate, Math.Max(previousLength, MinMatch - 1), previousLength >= good ? chain >> 2 : chain, nice, prev);
                        length = match & 0xFFFF;
                        distance = match >> 16;
                    }
                }

                int emittedTo;
                if (previousLength >= MinMatch && previousLength >= length)
                {
                    // The match that starts at the previous byte is at least as long: take it.
                    symbols[count++] = (uint)((previousDistance << 9) | (256 + previousLength - 3));
                    var stop = pos - 1 + previousLength;
                    var last = Math.Min(stop, lastHashable + 1);
                    for (var p = pos + 1; p < last; p++)
                    {
                        Insert(src, p, head, prev);
                    }

                    pos = stop;
                    emittedTo = stop;
                    pending = false;
                    previousLength = 0;
                }
                else
                {
                    if (pending)
                    {
                        var literal = src[pos - 1];
                        symbols[count++] = literal;
                    }

                    emittedTo = pos;
                    pending = true;
                    previousLength = length;
                    previousDistance = distance;
                    pos++;
                }

                if (count == BlockSymbols)
                {
                    _symbolCount = count;
                    _emitted = emittedTo;
                    FlushBlock(src, final: false);
                    count = 0;
                }
            }

            if (pending)
            {
                var literal = src[end - 1];
                symbols[count++] = literal;
            }

            _symbolCount = count;
            _emitted = end;
        }
    }

    /// <summary>
    /// One search per match ("medium" matching, after zlib-ng's): the match at a position is taken, then the
    /// match at its end is looked up at once; when that next match reaches back over the whole of the current
    /// one (or all of it but its first byte), it replaces it. Every position of a match is hashed. Half the
    /// searches of lazy matching, for about 0.15% more output at the same chain and nice lengths.
    /// </summary>
    [MethodImpl(Hot)]
    private void CompressMedium(byte* src, int end, int nice, int chain)
    {
        fixed (int* head = _head)
        fixed (ushort* prev = _prev)
        fixed (uint* symbols = _symbols)
        {
            var pos = 0;
            var count = _symbolCount;
            var lastHashable = end - MinMatch;

            // The match found ahead (it starts at pos when it is taken), and the first position not yet hashed.
            var nextLength = 0;
            var nextDistance = 0;
            var inserted = 0;

            // The look-ahead position whose search found nothing (so it is not searched again).
            var searchedInVain = -1;
            while (pos < end)
            {
                int length, distance;
                if (nextLength != 0)
                {
                    length = nextLength;
                    distance = nextDistance;
                    nextLength = 0;
                }
                else
                {
                    length = 0;
                    distance = 0;
                    if (pos <= lastHashable && pos != searchedInVain)
                    {
                        int candidate;
                        if (pos >= inserted)
                        {
                            candidate = Insert(src, pos, head, prev);
                            inserted = pos + 1;
                        }
                        else
                        {
                            candidate = pos - prev[(uint)pos & WindowMask];
                        }

                        if (pos - candidate <= MaxDistance)
                        {
                            var match = FindMatch(src, pos, end, candidate, MinMatch - 1, chain, nice, prev);
                            length = match & 0xFFFF;
                            distance = match >> 16;
                        }
                    }
                }

                if (length >= MinMatch)
                {
                    var stop = pos + length;
                    var last = Math.Min(stop, lastHashable + 1);
                    for (var p = Math.Max(inserted, pos + 1); p < last; p++)
                    {
                        Insert(src, p, head, prev);
                    }

                    inserted = Math.Max(inserted, last);

                    // Look ahead: the match at the end of this one.
                    if (stop <= lastHashable)
                    {
                        var candidate = Insert(src, stop, head, prev);
                        inserted = Math.Max(inserted, stop + 1);
                        searchedInVain = stop; // or found: then it is taken as the next match, not searched
                        if (stop - candidate <= MaxDistance)
                        {
                            var next = FindMatch(src, stop, end, candidate, MinMatch - 1, chain, nice, prev);
                            var found = next & 0xFFFF;
                            var foundDistance = next >> 16;
                            if (found >= MinMatch)
                            {
                                // How far the next match reaches back into this one.
                                var back = 0;
                                var from = stop - foundDistance;
                                while (back < length && from - back > 0 && found + back < MaxMatch && src[stop - back - 1] == src[from - back - 1])
                                {
                                    back++;
                                }

                                if (back >= length - 1)
                                {
                                    length -= back;
                                    found += back;
                                }

                                nextLength = found;
                                nextDistance = foundDistance;
                            }
                        }
                    }
                }

                if (length >= MinMatch)
                {
                    symbols[count++] = (uint)((distance << 9) | (256 + length - 3));
                    pos += length;
                }
                else if (length == 0 && nextLength != 0)
                {
                    // Absorbed whole: nothing of the current match is left.
                }
                else
                {
                    symbols[count++] = src[(uint)pos];
                    pos++;
                }

                if (count == BlockSymbols)
                {
                    _symbolCount = count;
                    _emitted = pos;
                    FlushBlock(src, final: false);
                    count = 0;
                }
            }

            _symbolCount = count;
            _emitted = end;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(byte* p) => (ReadUInt32(p) * 0x9E3779B1u) >> (32 - HashBits);

    /// <summary>Puts <paramref name="pos"/> at the head of its hash chain; returns the position that was there (negative for none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Insert(byte* src, int pos, int* head, ushort* prev)
    {
        var hash = Hash(src + (uint)pos);
        var candidate = head[hash];
        head[hash] = pos;
        // The distance back to the previous position with this hash; 65,535 (beyond any window) for none.
        // Branch-free minimum: (0xFFFF - distance) >> 31 is all ones exactly when the distance is larger.
        var distance = pos - candidate;
        prev[(uint)pos & WindowMask] = (ushort)(distance | ((0xFFFF - distance) >> 31));
        return candidate;
    }

    /// <summary>
    /// Walks the hash chain from <paramref name="candidate"/> for a match longer than <paramref name="best"/>;
    /// returns its length and distance as <c>length | distance &lt;&lt; 16</c>, or 0 when there is none.
    /// </summary>
    [MethodImpl(Hot)]
    private static int FindMatch(byte* src, int pos, int end, int candidate, int best, int chain, int nice, ushort* prev)
    {
        var maxLength = Math.Min(MaxMatch, end - pos);
        if (best >= maxLength)
        {
            return 0;
        }

        var enough = Math.Min(nice, maxLength);
        var foundAt = -1;
        var scan = src + (uint)pos;
        var first = ReadUInt32(scan);

        // Chains end at a step that leaves the window (Insert stores 65,535 for "no earlier position").
        var limit = Math.Max(pos - MaxDistance, 0);

        // Until a match of 8 is found, a candidate must agree on the first 4 bytes and the 4 that end at best + 1;
        // from then on on the 8 that end there (a filter only: the bytes are compared in full all the same).
        // The candidates that fail it, most of a chain, are passed over in an inner loop of their own that keeps
        // everything it needs in registers.
        if (best < 7)
        {
            var tail = ReadUInt32(scan + best - 3);
            var tailAt = src + best - 3;
            while (true)
            {
                while (ReadUInt32(tailAt + (uint)candidate) != tail || ReadUInt32(src + (uint)candidate) != first)
                {
                    candidate -= prev[(uint)candidate & WindowMask];
                    if (--chain <= 0 || candidate < limit)
                    {
                        return foundAt < 0 ? 0 : best | ((pos - foundAt) << 16);
                    }
                }

                var length = MatchLength(scan, src + (uint)candidate, maxLength);
                if (length > best)
                {
                    best = length;
                    foundAt = candidate;
                    if (length >= enough)
                    {
                        return best | ((pos - foundAt) << 16);
                    }

                    if (best >= 7)
                    {
                        break;
                    }

                    tail = ReadUInt32(scan + best - 3);
                    tailAt = src + best - 3;
                }

                candidate -= prev[(uint)candidate & WindowMask];
                if (--chain <= 0 || candidate < limit)
                {
                    return foundAt < 0 ? 0 : best | ((pos - foundAt) << 16);
                }
            }

            candidate -= prev[(uint)candidate & WindowMask];
            if (--chain <= 0 || candidate < limit)
            {
                return best | ((pos - foundAt) << 16);
            }
        }

        var tail8 = ReadUInt64(scan + best - 7);
        var tail8At = src + best - 7;
        while (true)
        {
            while (ReadUInt64(tail8At + (uint)candidate) != tail8 || ReadUInt32(src + (uint)candidate) != first)
            {
                candidate -= prev[(uint)candidate & WindowMask];
                if (--chain <= 0 || candidate < limit)
                {
                    return foundAt < 0 ? 0 : best | ((pos - foundAt) << 16);
                }
            }

            var length = MatchLength(scan, src + (uint)candidate, maxLength);
            if (length > best)
            {
                best = length;
                foundAt = candidate;
                if (length >= enough)
                {
                    break;
                }

                tail8 = ReadUInt64(scan + best - 7);
                tail8At = src + best - 7;
            }

            candidate -= prev[(uint)candidate & WindowMask];
            if (--chain <= 0 || candidate < limit)
            {
                break;
            }
        }

        return foundAt < 0 ? 0 : best | ((pos - foundAt) << 16);
    }

    /// <summary>How many bytes at <paramref name="scan"/> and <paramref name="match"/> agree (the first 4 do), at most <paramref name="maxLength"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int MatchLength(byte* scan, byte* match, int maxLength)
    {
        var length = MinMatch;
        if (BitConverter.IsLittleEndian)
        {
            while (length + 8 <= maxLength)
            {
                var difference = Unsafe.ReadUnaligned<ulong>(scan + (uint)length) ^ Unsafe.ReadUnaligned<ulong>(match + (uint)length);
                if (difference != 0)
                {
                    return length + (TrailingZeroCount(difference) >> 3);
                }

                length += 8;
            }
        }

        while (length < maxLength && scan[(uint)length] == match[(uint)length])
        {
            length++;
        }

        return length;
    }

    // Constant data in the assembly (no array, no bounds check: the index is below 64 by construction).
    private static ReadOnlySpan<byte> DeBruijn => new byte[] { 0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4, 62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5, 63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6 };

    /// <summary>Trailing zero bits of a non-zero value (a de Bruijn multiply: the same answer on every CPU).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TrailingZeroCount(ulong value) => DeBruijn[(int)(((value & (0UL - value)) * 0x03F79D71B4CB0A89UL) >> 58)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadUInt64(byte* p) => BitConverter.IsLittleEndian
        ? Unsafe.ReadUnaligned<ulong>(p)
        : ReadUInt32(p) | ((ulong)ReadUInt32(p + 4) << 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadUInt32(byte* p) => BitConverter.IsLittleEndian
        ? Unsafe.ReadUnaligned<uint>(p)
        : (uint)(p[0] | (p[1] << 8) | (p[2] << 16) | (p[3] << 24));

    /// <summary>Writes the symbols gathered since the last block as the smallest of dynamic, fixed and stored.</summary>
    private void FlushBlock(byte* src, bool final)
    {
        CountSymbols();
        _litFreq[EndOfBlock] = 1;
        BuildLengths(_litFreq, LitCodes, 15, _litLengths);
        BuildLengths(_distFreq, DistCodes, 15, _distLengths);

        var litCount = LitCodes;
        while (litCount > 257 && _litLengths[litCount - 1] == 0)
        {
            litCount--;
        }

        var distCount = DistCodes;
        while (distCount > 1 && _distLengths[distCount - 1] == 0)
        {
            distCount--;
        }

        // The code lengths, run-length coded (16: repeat the previous 3-6 times; 17, 18: 3-10 and 11-138 zeros).
        var rleCount = 0;
        Array.Clear(_clFreq, 0, _clFreq.Length);
        var total = litCount + distCount;
        var i = 0;
        while (i < total)
        {
            var value = i < litCount ? _litLengths[i] : _distLengths[i - litCount];
            var run = 1;
            while (i + run < total && (i + run < litCount ? _litLengths[i + run] : _distLengths[i + run - litCount]) == value)
            {
                run++;
            }

            i += run;
            if (value == 0)
            {
                while (run >= 11)
                {
                    var n = Math.Min(run, 138);
                    _rle[rleCount++] = 18 | ((n - 11) << 8);
                    _clFreq[18]++;
                    run -= n;
                }

                if (run >= 3)
                {
                    _rle[rleCount++] = 17 | ((run - 3) << 8);
                    _clFreq[17]++;
                    run = 0;
                }
            }
            else
            {
                _rle[rleCount++] = value;
                _clFreq[value]++;
                run--;
                while (run >= 3)
                {
                    var n = Math.Min(run, 6);
                    _rle[rleCount++] = 16 | ((n - 3) << 8);
                    _clFreq[16]++;
                    run -= n;
                }
            }

            while (run > 0)
            {
                _rle[rleCount++] = value;
                _clFreq[value]++;
                run--;
            }
        }

        BuildLengths(_clFreq, 19, 7, _clLengths);
        var clCount = 19;
        while (clCount > 4 && _clLengths[CodeLengthOrder[clCount - 1]] == 0)
        {
            clCount--;
        }

        long extraBits = 0;
        long dynamicBits = 3 + 5 + 5 + 4 + (3L * clCount);
        long fixedBits = 3;
        for (var s = 0; s < 19; s++)
        {
            var extra = s == 16 ? 2 : s == 17 ? 3 : s == 18 ? 7 : 0;
            dynamicBits += (long)_clFreq[s] * (_clLengths[s] + extra);
        }

        for (var s = 0; s < LitCodes; s++)
        {
            var f = _litFreq[s];
            if (f == 0)
            {
                continue;
            }

            dynamicBits += (long)f * _litLengths[s];
            fixedBits += (long)f * FixedLitLengths[s];
            if (s > 256)
            {
                extraBits += (long)f * LengthExtra[s - 257];
            }
        }

        for (var s = 0; s < DistCodes; s++)
        {
            var f = _distFreq[s];
            dynamicBits += (long)f * _distLengths[s];
            fixedBits += (long)f * 5;
            extraBits += (long)f * DistExtra[s];
        }

        dynamicBits += extraBits;
        fixedBits += extraBits;

        var blockLength = _emitted - _blockStart;
        var storedBits = StoredBits(blockLength);
        var chosen = Math.Min(dynamicBits, Math.Min(fixedBits, storedBits));
        if (_outEnd - _out < ((chosen + _bitCount) >> 3) + 16)
        {
            throw new InvalidOperationException("Deflate output buffer overrun.");
        }

        var before = BitsWritten();
        if (dynamicBits == chosen)
        {
            BuildCodes(_litLengths, LitCodes, _litCodes);
            BuildCodes(_distLengths, DistCodes, _distCodes);
            BuildCodes(_clLengths, 19, _clCodes);
            PutBits(final ? 5u : 4u, 3); // BFINAL, BTYPE 10
            PutBits((uint)(litCount - 257), 5);
            PutBits((uint)(distCount - 1), 5);
            PutBits((uint)(clCount - 4), 4);
            for (var k = 0; k < clCount; k++)
            {
                PutBits(_clLengths[CodeLengthOrder[k]], 3);
            }

            for (var k = 0; k < rleCount; k++)
            {
                var symbol = _rle[k] & 0xFF;
                var extra = _rle[k] >> 8;
                PutBits(_clCodes[symbol], _clLengths[symbol]);
                if (symbol >= 16)
                {
                    PutBits((uint)extra, symbol == 16 ? 2 : symbol == 17 ? 3 : 7);
                }
            }

            WriteSymbols(_litCodes, _litLengths, _distCodes, _distLengths);
        }
        else if (fixedBits == chosen)
        {
            PutBits(final ? 3u : 2u, 3); // BFINAL, BTYPE 01
            WriteSymbols(FixedLitCodes, FixedLitLengths, FixedDistCodes, FixedDistLengths);
        }
        else
        {
            WriteStored(src + _blockStart, blockLength, final);
        }

        if (BitsWritten() - before != chosen)
        {
            throw new InvalidOperationException($"Deflate block size mismatch: {BitsWritten() - before} bits written, {chosen} computed.");
        }

        _blockStart = _emitted;
        _symbolCount = 0;
        Array.Clear(_litFreq, 0, _litFreq.Length);
        Array.Clear(_distFreq, 0, _distFreq.Length);
    }

    /// <summary>
    /// The block's symbol frequencies, counted from its symbols at the end rather than as they are found (the
    /// matching loops then keep fewer values in registers), without a branch on literal or match: a literal
    /// counts a distance in the unused <see cref="NoDistance"/> slot.
    /// </summary>
    [MethodImpl(Hot)]
    private void CountSymbols()
    {
        fixed (uint* symbols = _symbols)
        fixed (int* litFreq = _litFreq)
        fixed (int* distFreq = _distFreq)
        fixed (ushort* litLenCodeOf = LitLenCodeOf)
        fixed (byte* distCodeOfSlot = DistCodeOfSlot)
        {
            var count = _symbolCount;
            for (var k = 0; k < count; k++)
            {
                var symbol = symbols[k];
                litFreq[litLenCodeOf[symbol & 511]]++;
                distFreq[distCodeOfSlot[DistanceSlot(symbol >> 9)]]++;
            }
        }
    }

    /// <summary>
    /// Where a distance's code is in <see cref="DistCodeOfSlot"/>: distances 1 to 256 each have one, longer ones
    /// share one per 128 (as <see cref="DistCodeOf"/>); 0 (a literal) is slot 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint DistanceSlot(uint distance) => distance <= 256 ? distance : 257 + ((distance - 1) >> 7);

    private long BitsWritten() => ((long)_out * 8) + _bitCount;

    /// <summary>Bits that stored blocks of <paramref name="length"/> bytes take from the current bit position.</summary>
    private long StoredBits(int length)
    {
        long bits = 0;
        var position = _bitCount & 7;
        var remaining = length;
        do
        {
            var n = Math.Min(remaining, 65535);
            var header = 3 + ((8 - ((position + 3) & 7)) & 7);
            bits += header + 32 + (8L * n);
            position = 0;
            remaining -= n;
        }
        while (remaining > 0);
        return bits;
    }

    private void WriteStored(byte* data, int length, bool final)
    {
        var remaining = length;
        do
        {
            var n = Math.Min(remaining, 65535);
            remaining -= n;
            PutBits(final && remaining == 0 ? 1u : 0u, 3); // BTYPE 00
            AlignToByte();
            *_out++ = (byte)n;
            *_out++ = (byte)(n >> 8);
            *_out++ = (byte)~n;
            *_out++ = (byte)(~n >> 8);
            Buffer.MemoryCopy(data, _out, n, n);
            _out += n;
            data += n;
        }
        while (remaining > 0);
    }

    /// <summary>
    /// Writes the block's symbols and its end-of-block code. Each symbol is one literal/length part (a literal's
    /// code, or a length's code with its extra bits) and one distance part (none for a literal), looked up in
    /// tables made for this block's codes, then 8 bytes are stored and the whole ones kept: no branch a symbol.
    /// At most 7 + 20 + 28 bits are pending, so the 64-bit buffer never overflows.
    /// </summary>
    [MethodImpl(Hot)]
    private void WriteSymbols(uint[] litCodes, byte[] litLengths, uint[] distCodes, byte[] distLengths)
    {
        fixed (uint* symbols = _symbols)
        fixed (uint* litLenBits = _litLenBits)
        fixed (byte* litLenBitCount = _litLenBitCount)
        fixed (uint* distBits = _distBits)
        fixed (byte* distBitCount = _distBitCount)
        fixed (byte* distCodeLength = _distCodeLength)
        fixed (int* distBase = _distBase)
        fixed (byte* distCodeOfSlot = DistCodeOfSlot)
        {
            for (var v = 0; v < 256; v++)
            {
                litLenBits[v] = litCodes[v];
                litLenBitCount[v] = litLengths[v];
            }

            for (var lengthIndex = 0; lengthIndex < 256; lengthIndex++)
            {
                var code = LengthCodeOf[lengthIndex];
                var s = 257 + code;
                litLenBits[256 + lengthIndex] = litCodes[s] | ((uint)(lengthIndex + 3 - LengthBase[code]) << litLengths[s]);
                litLenBitCount[256 + lengthIndex] = (byte)(litLengths[s] + LengthExtra[code]);
            }

            for (var d = 0; d < DistCodes; d++)
            {
                distBits[d] = distCodes[d];
                distBitCount[d] = (byte)(distLengths[d] + DistExtra[d]);
                distCodeLength[d] = distLengths[d];
                distBase[d] = DistBase[d];
            }

            // A literal's distance part: code 0 of no bits, extra bits 0 (distance 0 - base 0).
            distBits[NoDistance] = 0;
            distBitCount[NoDistance] = 0;
            distCodeLength[NoDistance] = 0;
            distBase[NoDistance] = 0;

            var count = _symbolCount;
            var bitBuffer = _bitBuffer;
            var bitCount = _bitCount;
            var output = _out;
            if (BitConverter.IsLittleEndian)
            {
                // Whole bytes go out: at most 7 bits stay pending.
                WriteUInt64(output, bitBuffer);
                output += bitCount >> 3;
                bitBuffer >>= bitCount & ~7;
                bitCount &= 7;
                for (var k = 0; k < count; k++)
                {
                    var symbol = symbols[k];
                    var v = symbol & 511;
                    bitBuffer |= (ulong)litLenBits[v] << bitCount;
                    bitCount += litLenBitCount[v];
                    var distance = symbol >> 9;
                    var d = distCodeOfSlot[DistanceSlot(distance)];
                    bitBuffer |= (ulong)(distBits[d] | ((distance - (uint)distBase[d]) << distCodeLength[d])) << bitCount;
                    bitCount += distBitCount[d];
                    Unsafe.WriteUnaligned(output, bitBuffer);
                    output += bitCount >> 3;
                    bitBuffer >>= bitCount & ~7;
                    bitCount &= 7;
                }
            }
            else
            {
                for (var k = 0; k < count; k++)
                {
                    var symbol = symbols[k];
                    var v = symbol & 511;
                    bitBuffer |= (ulong)litLenBits[v] << bitCount;
                    bitCount += litLenBitCount[v];
                    FlushWhole32(ref output, ref bitBuffer, ref bitCount);
                    var distance = symbol >> 9;
                    var d = distCodeOfSlot[DistanceSlot(distance)];
                    bitBuffer |= (ulong)(distBits[d] | ((distance - (uint)distBase[d]) << distCodeLength[d])) << bitCount;
                    bitCount += distBitCount[d];
                    FlushWhole32(ref output, ref bitBuffer, ref bitCount);
                }
            }

            bitBuffer |= (ulong)litCodes[EndOfBlock] << bitCount;
            bitCount += litLengths[EndOfBlock];
            FlushWhole32(ref output, ref bitBuffer, ref bitCount);
            _bitBuffer = bitBuffer;
            _bitCount = bitCount;
            _out = output;
        }
    }

    /// <summary>Writes 32 bits when as many are pending (the state every other writer expects: fewer than 32 pending).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FlushWhole32(ref byte* output, ref ulong bitBuffer, ref int bitCount)
    {
        if (bitCount >= 32)
        {
            WriteUInt32(output, (uint)bitBuffer);
            output += 4;
            bitBuffer >>= 32;
            bitCount -= 32;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteUInt64(byte* p, ulong value) => Unsafe.WriteUnaligned(p, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteUInt32(byte* p, uint value)
    {
        if (BitConverter.IsLittleEndian)
        {
            Unsafe.WriteUnaligned(p, value);
        }
        else
        {
            p[0] = (byte)value;
            p[1] = (byte)(value >> 8);
            p[2] = (byte)(value >> 16);
            p[3] = (byte)(value >> 24);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PutBits(uint value, int count)
    {
        _bitBuffer |= (ulong)value << _bitCount;
        _bitCount += count;
        if (_bitCount >= 32)
        {
            WriteUInt32(_out, (uint)_bitBuffer);
            _out += 4;
            _bitBuffer >>= 32;
            _bitCount -= 32;
        }
    }

    private void AlignToByte()
    {
        while (_bitCount > 0)
        {
            *_out++ = (byte)_bitBuffer;
            _bitBuffer >>= 8;
            _bitCount -= 8;
        }

        _bitBuffer = 0;
        _bitCount = 0;
    }

    /// <summary>
    /// Huffman code lengths of at most <paramref name="maxBits"/> for <paramref name="count"/> symbols: symbols
    /// sorted by (frequency, symbol), lengths by the in-place minimum-redundancy method of Moffat and
    /// Katajainen, the longest capped and the Kraft sum restored, then handed out shortest to most frequent.
    /// At least two symbols get a code, so every code is complete.
    /// </summary>
    private void BuildLengths(int[] freq, int count, int maxBits, byte[] lengths)
    {
        Array.Clear(lengths, 0, count);
        var used = 0;
        for (var s = 0; s < count; s++)
        {
            if (freq[s] != 0)
            {
                _sortKeys[used++] = ((long)freq[s] << 16) | (uint)s;
            }
        }

        if (used < 2)
        {
            var only = used == 1 ? (int)(_sortKeys[0] & 0xFFFF) : 0;
            lengths[only] = 1;
            lengths[only == 0 ? 1 : 0] = 1;
            return;
        }

        Array.Sort(_sortKeys, 0, used);
        var a = _depths;
        for (var k = 0; k < used; k++)
        {
            a[k] = (int)(_sortKeys[k] >> 16);
        }

        // Moffat-Katajainen: a[] goes from sorted weights to internal-node parents to depths to leaf depths.
        int root = 0, leaf = 2, next;
        a[0] += a[1];
        for (next = 1; next < used - 1; next++)
        {
            if (leaf >= used || a[root] < a[leaf])
            {
                a[next] = a[root];
                a[root++] = next;
            }
            else
            {
                a[next] = a[leaf++];
            }

            if (leaf >= used || (root < next && a[root] < a[leaf]))
            {
                a[next] += a[root];
                a[root++] = next;
            }
            else
            {
                a[next] += a[leaf++];
            }
        }

        a[used - 2] = 0;
        for (next = used - 3; next >= 0; next--)
        {
            a[next] = a[a[next]] + 1;
        }

        int available = 1, usedNodes = 0, depth = 0;
        root = used - 2;
        next = used - 1;
        while (available > 0)
        {
            while (root >= 0 && a[root] == depth)
            {
                usedNodes++;
                root--;
            }

            while (available > usedNodes)
            {
                a[next--] = depth;
                available--;
            }

            available = 2 * usedNodes;
            depth++;
            usedNodes = 0;
        }

        // Count codes per length, fold the over-long ones into maxBits and restore the Kraft sum.
        var counts = _lengthCounts;
        Array.Clear(counts, 0, counts.Length);
        for (var k = 0; k < used; k++)
        {
            counts[a[k]]++;
        }

        for (var bits = maxBits + 1; bits < counts.Length; bits++)
        {
            counts[maxBits] += counts[bits];
            counts[bits] = 0;
        }

        long kraft = 0;
        for (var bits = maxBits; bits > 0; bits--)
        {
            kraft += (long)counts[bits] << (maxBits - bits);
        }

        while (kraft != 1L << maxBits)
        {
            counts[maxBits]--;
            for (var bits = maxBits - 1; bits > 0; bits--)
            {
                if (counts[bits] != 0)
                {
                    counts[bits]--;
                    counts[bits + 1] += 2;
                    break;
                }
            }

            kraft--;
        }

        var j = used;
        for (var bits = 1; bits <= maxBits; bits++)
        {
            for (var n = counts[bits]; n > 0; n--)
            {
                lengths[(int)(_sortKeys[--j] & 0xFFFF)] = (byte)bits;
            }
        }
    }

    /// <summary>Canonical codes (RFC 1951 3.2.2) for the lengths, bit-reversed for writing least significant bit first.</summary>
    private static void BuildCodes(byte[] lengths, int count, uint[] codes)
    {
        var lengthCount = new int[16];
        for (var s = 0; s < count; s++)
        {
            lengthCount[lengths[s]]++;
        }

        lengthCount[0] = 0;
        var nextCode = new uint[16];
        uint code = 0;
        for (var bits = 1; bits < 16; bits++)
        {
            code = (code + (uint)lengthCount[bits - 1]) << 1;
            nextCode[bits] = code;
        }

        for (var s = 0; s < count; s++)
        {
            int length = lengths[s];
            if (length == 0)
            {
                codes[s] = 0;
                continue;
            }

            var c = nextCode[length]++;
            uint reversed = 0;
            for (var b = 0; b < length; b++)
            {
                reversed = (reversed << 1) | (c & 1);
                c >>= 1;
            }

            codes[s] = reversed;
        }
    }
}
