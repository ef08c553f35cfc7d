using System;
using System.IO;
using System.IO.Compression;
using OciImage.Core.Errors;

namespace OciImage.Core.Layers;

/// <summary>Compresses one chunk of a layer into a self-contained gzip member or zstd frame.</summary>
public static class ChunkCompressor
{
    /// <summary>
    /// Room enough for any chunk of <paramref name="length"/> bytes compressed: zstd's bound (length/256 more,
    /// the larger of the two) and deflate's (length/4096 more), plus headers.
    /// </summary>
    public static int OutputCapacity(int length) => length + (length >> 8) + 4096;

    /// <summary>Compresses <paramref name="length"/> bytes of <paramref name="data"/> into <paramref name="output"/> (see <see cref="OutputCapacity"/>); returns the bytes written.</summary>
    public static int Compress(LayerCompression compression, byte[] data, int length, byte[] output) => compression switch
    {
        LayerCompression.Gzip => GzipMember(data, length, output),
        LayerCompression.Zstd => ZstdFrame(data, length, output),
        _ => Copy(data, length, output),
    };

    /// <summary>
    /// A gzip member with a fixed header (no name, mtime 0, OS 255) around raw deflate at level 6, so the bytes
    /// do not depend on the machine that made them.
    /// </summary>
    private static int GzipMember(byte[] data, int length, byte[] buffer)
    {
        // Not expandable: the buffer is sized by OutputCapacity, and a chunk never needs more.
        using var output = new MemoryStream(buffer, 0, buffer.Length, writable: true);
        output.Write(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, 0, 10);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data, 0, length);
        }

        var crc = new ICSharpCode.SharpZipLib.Checksum.Crc32();
        crc.Update(new ArraySegment<byte>(data, 0, length));
        WriteUInt32(output, (uint)crc.Value);
        WriteUInt32(output, (uint)length);
        return (int)output.Position;
    }

    private static int ZstdFrame(byte[] data, int length, byte[] output)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(new ReadOnlySpan<byte>(data, 0, length), new Span<byte>(output));
    }

    private static int Copy(byte[] data, int length, byte[] output)
    {
        Buffer.BlockCopy(data, 0, output, 0, length);
        return length;
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
        stream.WriteByte((byte)(value >> 16));
        stream.WriteByte((byte)(value >> 24));
    }
}
