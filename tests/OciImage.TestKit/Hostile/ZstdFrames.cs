using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// zstd layers (a tar in zstd frames) that attack a decoder through the frame format: cut short, lying
/// checksums, windows larger than a reader may allocate, frames a reader must skip or chain, bytes after the last
/// frame, and a bomb of run-length blocks. Two conforming decoders under the same bounds must give the same
/// outcome for each: the same bytes, or the same refusal. Frames are made by hand (RFC 8878) where ZstdSharp's
/// encoder would not write them.
/// </summary>
public static class ZstdFrames
{
    /// <summary>The decompressed size of the bomb's one file: 1.25 GiB of zeros from about 40 KB.</summary>
    public const long BombFileSize = 1280L << 20;

    private const int MaxBlock = 128 * 1024;

    /// <summary>Every fixture, by the name of what it attacks, with the outcome a bounded reader gives: "ok" or the ErrorId.</summary>
    public static IReadOnlyList<(string Name, string Expected, byte[] Blob)> All() => new (string, string, byte[])[]
    {
        ("plain", "ok", Plain()),
        ("truncated-frame", "InvalidLayer", TruncatedFrame()),
        ("truncated-header", "InvalidLayer", TruncatedHeader()),
        ("bad-checksum", "InvalidLayer", BadChecksum()),
        ("corrupt-block", "InvalidLayer", CorruptBlock()),
        ("oversize-block", "InvalidLayer", OversizeBlock()),
        ("reserved-bit", "InvalidLayer", ReservedBit()),
        ("dictionary-required", "InvalidLayer", DictionaryRequired()),
        ("huge-window", "InvalidLayer", WindowOf(31)),
        ("window-over-limit", "InvalidLayer", WindowOf(28)),
        ("window-at-limit", "ok", WindowOf(27)),
        ("skippable-frames", "ok", SkippableFrames()),
        ("concatenated-frames", "ok", ConcatenatedFrames()),
        ("trailing-garbage", "InvalidLayer", TrailingGarbage()),
        ("trailing-partial-magic", "InvalidLayer", TrailingPartialMagic()),
        ("zstd-bomb", "DecompressionLimitExceeded", Bomb()),
        ("legacy-frame", "InvalidLayer", ZstdLegacyFrames.LegacyLayer()),
        ("legacy-frame-behind-a-split-header", "InvalidLayer", ZstdLegacyFrames.BehindASplitHeader()),
    };

    /// <summary>The tar every fixture carries: two small files and one of 300 KB (several blocks).</summary>
    public static byte[] Tar()
    {
        var text = new StringBuilder();
        var random = new Random(33);
        while (text.Length < 300_000)
        {
            text.Append("line ").Append(random.Next(100_000)).Append(' ').Append(random.Next(2) == 0 ? "alpha" : "beta").Append('\n');
        }

        return new RawTar().File("etc/hostname", "box\n").File("usr/share/words", text.ToString()).File("z", "last").End().ToArray();
    }

    /// <summary>The tar in one frame by ZstdSharp, with a content checksum (the control).</summary>
    public static byte[] Plain() => Compress(Tar());

    /// <summary>A frame cut in its middle: the reader must say so, not return a short tar as complete.</summary>
    public static byte[] TruncatedFrame()
    {
        var whole = Plain();
        return whole.Take(whole.Length / 2).ToArray();
    }

    /// <summary>The magic number and half a frame header.</summary>
    public static byte[] TruncatedHeader() => Plain().Take(5).ToArray();

    /// <summary>The content checksum (the frame's last 4 bytes) altered.</summary>
    public static byte[] BadChecksum()
    {
        var blob = Plain();
        blob[blob.Length - 1] ^= 0xFF;
        return blob;
    }

    /// <summary>Bytes altered inside a compressed block.</summary>
    public static byte[] CorruptBlock()
    {
        var blob = Plain();
        for (var i = blob.Length / 3; i < blob.Length / 3 + 16; i++)
        {
            blob[i] ^= 0x5A;
        }

        return blob;
    }

    /// <summary>A raw block declaring 200 KiB, over the 128 KiB any block may hold.</summary>
    public static byte[] OversizeBlock() => Frame(WindowDescriptor(20), BlockHeader(200 * 1024, type: 0, last: true), new byte[200 * 1024]);

    /// <summary>A frame header with its reserved bit set (a reader must refuse it).</summary>
    public static byte[] ReservedBit()
    {
        var tar = Tar().Take(MaxBlock).ToArray();
        return Concat(Magic, new byte[] { 0x08, WindowDescriptor(20) }, RawBlocks(tar));
    }

    /// <summary>A frame that needs dictionary 7, which no layer reader has.</summary>
    public static byte[] DictionaryRequired()
    {
        var tar = Tar().Take(MaxBlock).ToArray();
        return Concat(Magic, new byte[] { 0x01, WindowDescriptor(20), 7 }, RawBlocks(tar));
    }

    /// <summary>A frame declaring a window of 2^<paramref name="windowLog"/> bytes, its content the tar in raw blocks.</summary>
    public static byte[] WindowOf(int windowLog) => Concat(Magic, new byte[] { 0x00, WindowDescriptor(windowLog) }, RawBlocks(Tar()));

    /// <summary>
    /// Skippable frames (user data a reader must step over, as zstd:chunked's manifest) between and after two
    /// frames; not first, where the layer would not be recognised as zstd by its magic number.
    /// </summary>
    public static byte[] SkippableFrames()
    {
        var tar = Tar();
        var half = tar.Length / 2;
        return Concat(Compress(tar.Take(half).ToArray()), Skippable(0, 100), Skippable(15, 7), Compress(tar.Skip(half).ToArray()), Skippable(3, 0));
    }

    /// <summary>The tar in three frames one after another (what parallel encoders write).</summary>
    public static byte[] ConcatenatedFrames()
    {
        var tar = Tar();
        var third = tar.Length / 3;
        return Concat(Compress(tar.Take(third).ToArray()), Compress(tar.Skip(third).Take(third).ToArray()), Compress(tar.Skip(2 * third).ToArray()));
    }

    /// <summary>Bytes that are no frame after the last frame.</summary>
    public static byte[] TrailingGarbage() => Concat(Plain(), Encoding.ASCII.GetBytes("this is not a zstd frame"));

    /// <summary>Two bytes of a frame's magic after the last frame: the start of a frame that never comes.</summary>
    public static byte[] TrailingPartialMagic() => Concat(Plain(), new byte[] { 0x28, 0xB5 });

    /// <summary>
    /// A tar whose one file is <see cref="BombFileSize"/> zeros, made of run-length blocks (4 bytes per 128 KiB):
    /// a reader that counts what it decompresses stops at its limit; one that does not spends its time and disk.
    /// </summary>
    public static byte[] Bomb()
    {
        var blocks = new MemoryStream();
        var header = new RawTar().Header("zeros", '0', BombFileSize).ToArray();
        blocks.Write(BlockHeader(header.Length, type: 0, last: false), 0, 3);
        blocks.Write(header, 0, header.Length);
        for (long done = 0; done < BombFileSize; done += MaxBlock)
        {
            blocks.Write(BlockHeader(MaxBlock, type: 1, last: false), 0, 3);
            blocks.WriteByte(0);
        }

        blocks.Write(BlockHeader(2 * RawTar.Block, type: 1, last: true), 0, 3);
        blocks.WriteByte(0);
        return Concat(Magic, new byte[] { 0x00, WindowDescriptor(17) }, blocks.ToArray());
    }

    private static readonly byte[] Magic = { 0x28, 0xB5, 0x2F, 0xFD };

    private static byte[] Compress(byte[] data)
    {
        using var compressor = new Compressor(3);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return compressor.Wrap(data).ToArray();
    }

    /// <summary>Window_Descriptor for 2^windowLog: the exponent over 10 in the top five bits, no mantissa.</summary>
    private static byte WindowDescriptor(int windowLog) => (byte)((windowLog - 10) << 3);

    /// <summary>Block_Header: last-block bit, block type (0 raw, 1 RLE, 2 compressed), 21-bit size; little-endian.</summary>
    private static byte[] BlockHeader(int size, int type, bool last)
    {
        var value = (last ? 1 : 0) | (type << 1) | (size << 3);
        return new[] { (byte)value, (byte)(value >> 8), (byte)(value >> 16) };
    }

    /// <summary>A frame with a window descriptor and no content size, checksum or dictionary.</summary>
    private static byte[] Frame(byte windowDescriptor, params byte[][] body) => Concat(new[] { Magic, new byte[] { 0x00, windowDescriptor } }.Concat(body).ToArray());

    private static byte[] RawBlocks(byte[] data)
    {
        var blocks = new MemoryStream();
        for (var at = 0; at < data.Length; at += MaxBlock)
        {
            var size = Math.Min(MaxBlock, data.Length - at);
            blocks.Write(BlockHeader(size, type: 0, last: at + size >= data.Length), 0, 3);
            blocks.Write(data, at, size);
        }

        return blocks.ToArray();
    }

    /// <summary>A skippable frame: magic 0x184D2A5n, a 4-byte size, that many bytes.</summary>
    private static byte[] Skippable(int variant, int size)
    {
        var frame = new byte[8 + size];
        BitConverter.GetBytes(0x184D2A50u + (uint)variant).CopyTo(frame, 0);
        BitConverter.GetBytes((uint)size).CopyTo(frame, 4);
        for (var i = 0; i < size; i++)
        {
            frame[8 + i] = (byte)i;
        }

        return frame;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
