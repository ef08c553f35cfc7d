using System;
using System.IO;
using System.IO.Compression;
using OciImage.Core.Errors;

namespace OciImage.Core.Layers;

public enum LayerCompression
{
    Gzip,
    Zstd,
    None,
}

/// <summary>Compresses one chunk of a layer into a self-contained gzip member or zstd frame.</summary>
public static class ChunkCompressor
{
    public static LayerCompression Parse(string? text) => (text ?? "gzip").ToLowerInvariant() switch
    {
        "gzip" or "gz" => LayerCompression.Gzip,
        "zstd" or "zst" => LayerCompression.Zstd,
        "none" or "uncompressed" => LayerCompression.None,
        _ => throw new UnknownCompressionException(text ?? "(null)"),
    };

    public static string MediaType(LayerCompression compression) => compression switch
    {
        LayerCompression.Gzip => MediaTypes.OciLayerGzip,
        LayerCompression.Zstd => MediaTypes.OciLayerZstd,
        _ => MediaTypes.OciLayer,
    };

    public static byte[] Compress(LayerCompression compression, byte[] data, int length) => compression switch
    {
        LayerCompression.Gzip => GzipMember(data, length),
        LayerCompression.Zstd => ZstdFrame(data, length),
        _ => Copy(data, length),
    };

    /// <summary>
    /// A gzip member with a fixed header (no name, mtime 0, OS 255) around raw deflate at level 6, so the bytes
    /// do not depend on the machine that made them.
    /// </summary>
    private static byte[] GzipMember(byte[] data, int length)
    {
        using var output = new MemoryStream(length / 3 + 64);
        output.Write(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, 0, 10);
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data, 0, length);
        }

        var crc = new ICSharpCode.SharpZipLib.Checksum.Crc32();
        crc.Update(new ArraySegment<byte>(data, 0, length));
        WriteUInt32(output, (uint)crc.Value);
        WriteUInt32(output, (uint)length);
        return output.ToArray();
    }

    private static byte[] ZstdFrame(byte[] data, int length)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(new ReadOnlySpan<byte>(data, 0, length)).ToArray();
    }

    private static byte[] Copy(byte[] data, int length)
    {
        var copy = new byte[length];
        Buffer.BlockCopy(data, 0, copy, 0, length);
        return copy;
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
        stream.WriteByte((byte)(value >> 16));
        stream.WriteByte((byte)(value >> 24));
    }
}
