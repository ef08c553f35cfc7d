using System;
using System.IO;
using System.Linq;
using System.Text;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Frames of zstd's pre-1.0 formats (v0.5, v0.6, v0.7: magic numbers 0xFD2FB525..27), which RFC 8878 does not
/// define and ZstdSharp does not read, but which a system libzstd built with its default legacy support decodes
/// with its old, separate decoders (no window limit parameter of ours reaches them). A layer in such frames is not
/// a zstd layer; a reader must refuse it whichever decoder it has, also where the legacy frame follows a good one
/// or hides behind a frame header split across two reads.
/// </summary>
public static class ZstdLegacyFrames
{
    /// <summary>The compressed bytes a native reader takes from its source at a time (NativeZstdStream.InputSize).</summary>
    public const int ReadSize = 1 << 17;

    /// <summary>A v0.<paramref name="version"/> frame of raw blocks holding <paramref name="content"/>.</summary>
    public static byte[] Frame(int version, byte[] content)
    {
        if (version is < 5 or > 7)
        {
            throw new ArgumentOutOfRangeException(nameof(version));
        }

        var frame = new MemoryStream();
        frame.Write(new byte[] { (byte)(0x20 + version), 0xB5, 0x2F, 0xFD }, 0, 4);

        // v0.5/v0.6: one descriptor byte (window log 17 over a minimum of 10 in its low bits);
        // v0.7: a descriptor byte (no content size, no dictionary) and a window byte (log 17).
        frame.Write(version == 7 ? new byte[] { 0x00, 7 << 3 } : new byte[] { 7 }, 0, version == 7 ? 2 : 1);
        for (var at = 0; at < content.Length; at += 1 << 17)
        {
            var size = Math.Min(1 << 17, content.Length - at);

            // Block header: type in the top two bits (1 raw), a 19-bit size, big-endian; 0xC0 0 0 ends the frame.
            frame.Write(new byte[] { (byte)(0x40 | (size >> 16)), (byte)(size >> 8), (byte)size }, 0, 3);
            frame.Write(content, at, size);
        }

        frame.Write(new byte[] { 0xC0, 0, 0 }, 0, 3);
        return frame.ToArray();
    }

    /// <summary>The test kit's zstd tar in one v0.7 frame: a whole layer a legacy-capable decoder would read.</summary>
    public static byte[] LegacyLayer() => Frame(7, ZstdFrames.Tar());

    /// <summary>A good frame, then a legacy one: the check belongs at every frame's start, not only the first.</summary>
    public static byte[] AfterAGoodFrame(int version) => Concat(ZstdCorpus.Frame(Encoding.ASCII.GetBytes("first ")), Frame(version, Hello));

    /// <summary>
    /// A skippable frame sized so that a zstd frame header with its reserved bit set ends the first
    /// <see cref="ReadSize"/> bytes one byte short, a legacy frame after it: libzstd completes the split header with
    /// the next read's first byte, finds it invalid, and then looks for a legacy magic at the start of that read,
    /// where it finds the legacy frame and decodes it.
    /// </summary>
    public static byte[] BehindASplitHeader()
    {
        var header = new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x08 };
        var skippable = new byte[ReadSize - header.Length];
        BitConverter.GetBytes(0x184D2A50u).CopyTo(skippable, 0);
        BitConverter.GetBytes((uint)(skippable.Length - 8)).CopyTo(skippable, 4);
        return Concat(skippable, header, Frame(7, Hello));
    }

    private static readonly byte[] Hello = Encoding.ASCII.GetBytes("hello from 2016");

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(part => part).ToArray();
}
