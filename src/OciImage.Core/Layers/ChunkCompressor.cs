using System;
using System.IO;
using System.IO.Compression;
using OciImage.Core.Errors;

namespace OciImage.Core.Layers;

/// <summary>Compresses one chunk of a layer into a self-contained gzip member or zstd frame.</summary>
internal static class ChunkCompressor
{
    /// <summary>
    /// Room enough for any chunk of <paramref name="length"/> bytes compressed: zstd's bound (length/256 more,
    /// the larger of the two) and deflate's (length/4096 more), plus headers.
    /// </summary>
    public static int OutputCapacity(int length) => length + (length >> 8) + 4096;

    /// <summary>Compresses <paramref name="length"/> bytes of <paramref name="data"/> into <paramref name="output"/> (see <see cref="OutputCapacity"/>); returns the bytes written.</summary>
    public static int Compress(LayerCompression compression, byte[] data, int length, byte[] output) =>
        Compress(compression, default, GzipEncoder.Runtime, data, length, output);

    /// <summary>Compresses a chunk at <paramref name="level"/>, gzip with <paramref name="encoder"/>; returns the bytes written.</summary>
    public static int Compress(LayerCompression compression, LayerCompressionLevel level, GzipEncoder encoder, byte[] data, int length, byte[] output) => compression switch
    {
        LayerCompression.Gzip when encoder == GzipEncoder.Portable => PortableGzipMember(data, length, output, level.PortableDeflateLevel),
        LayerCompression.Gzip => GzipMember(data, length, output, level.RuntimeDeflateLevel),
        LayerCompression.Zstd => ZstdFrame(data, length, output, level.ZstdLevel),
        _ => Copy(data, length, output),
    };

    /// <summary>
    /// A gzip member with the fixed header around the portable encoder's deflate: the same bytes on every
    /// runtime and CPU for the same chunk and level.
    /// </summary>
    private static int PortableGzipMember(byte[] data, int length, byte[] output, int level)
    {
        Buffer.BlockCopy(GzipHeader, 0, output, 0, GzipHeader.Length);
        var position = GzipHeader.Length;
        position += Deflate.DeflateEncoder.ForThisThread.Compress(data, length, output, position, level);
        var crc = new ICSharpCode.SharpZipLib.Checksum.Crc32();
        crc.Update(new ArraySegment<byte>(data, 0, length));
        WriteUInt32(output, position, (uint)crc.Value);
        WriteUInt32(output, position + 4, (uint)length);
        return position + 8;
    }

    private static readonly byte[] GzipHeader = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };

    private static void WriteUInt32(byte[] output, int offset, uint value)
    {
        output[offset] = (byte)value;
        output[offset + 1] = (byte)(value >> 8);
        output[offset + 2] = (byte)(value >> 16);
        output[offset + 3] = (byte)(value >> 24);
    }

    /// <summary>
    /// A gzip member with a fixed header (no name, mtime 0, OS 255) around the runtime's raw deflate: the bytes
    /// depend on the runtime's zlib (see <see cref="GzipEncoder.Runtime"/>).
    /// </summary>
    private static int GzipMember(byte[] data, int length, byte[] buffer, CompressionLevel level)
    {
        // Not expandable: the buffer is sized by OutputCapacity, and a chunk never needs more.
        using var output = new MemoryStream(buffer, 0, buffer.Length, writable: true);
        output.Write(GzipHeader, 0, GzipHeader.Length);
        using (var deflate = new DeflateStream(output, level, leaveOpen: true))
        {
            deflate.Write(data, 0, length);
        }

        var crc = new ICSharpCode.SharpZipLib.Checksum.Crc32();
        crc.Update(new ArraySegment<byte>(data, 0, length));
        WriteUInt32(output, (uint)crc.Value);
        WriteUInt32(output, (uint)length);
        return (int)output.Position;
    }

    private static int ZstdFrame(byte[] data, int length, byte[] output, int level)
    {
        using var compressor = new ZstdSharp.Compressor(level);
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
