using System;
using System.IO;
using System.IO.Compression;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>How a layer's tar is compressed. Gzip, zstd and none are written; bzip2 and xz are only recognised.</summary>
public enum LayerCompression
{
    Gzip,
    Zstd,
    None,
    Bzip2,
    Xz,
}

/// <summary>
/// The one place that knows compressions: the name users type, the media type that labels it, the magic bytes
/// that identify it, and the reader that undoes it. What a layer is comes from its bytes; its media type is a
/// label to be checked against them.
/// </summary>
internal static class Compressions
{
    /// <summary>Enough leading bytes to tell every known compression apart.</summary>
    public const int MagicLength = 6;

    /// <summary>A compression by the name a user gives (-Compression).</summary>
    public static LayerCompression Parse(string? text) => (text ?? "gzip").ToLowerInvariant() switch
    {
        "gzip" or "gz" => LayerCompression.Gzip,
        "zstd" or "zst" => LayerCompression.Zstd,
        "none" or "uncompressed" => LayerCompression.None,
        _ => throw new UnknownCompressionException(text ?? "(null)"),
    };

    /// <summary>The OCI layer media type for a compression this module writes.</summary>
    public static string MediaType(LayerCompression compression) => LabelFor(compression, "a layer");

    /// <summary>
    /// The OCI media type that labels a layer found in <paramref name="compression"/>; bzip2 and xz have none
    /// (no runtime reads them), so such a layer cannot enter an image as it is.
    /// </summary>
    public static string LabelFor(LayerCompression compression, string what) => compression switch
    {
        LayerCompression.Gzip => MediaTypes.OciLayerGzip,
        LayerCompression.Zstd => MediaTypes.OciLayerZstd,
        LayerCompression.None => MediaTypes.OciLayer,
        _ => throw UnsupportedMediaTypeException.Unlabelled(what, Name(compression)),
    };

    /// <summary>The compression's name as users and media types spell it.</summary>
    public static string Name(LayerCompression compression) => compression switch
    {
        LayerCompression.None => "uncompressed",
        _ => compression.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The compression a layer media type names, or null when the type is not a tar layer type at all (an
    /// artifact's blob, a config): OCI's tar, tar+gzip, tar+zstd (non-distributable forms too) and Docker's
    /// rootfs diff types.
    /// </summary>
    public static LayerCompression? OfMediaType(string? mediaType)
    {
        if (mediaType is null)
        {
            return null;
        }

        if (mediaType.StartsWith("application/vnd.oci.image.layer.", StringComparison.Ordinal))
        {
            return mediaType.EndsWith(".tar+gzip", StringComparison.Ordinal) ? LayerCompression.Gzip
                : mediaType.EndsWith(".tar+zstd", StringComparison.Ordinal) ? LayerCompression.Zstd
                : mediaType.EndsWith(".tar", StringComparison.Ordinal) ? LayerCompression.None
                : null;
        }

        if (mediaType.StartsWith("application/vnd.docker.image.rootfs.", StringComparison.Ordinal))
        {
            return mediaType.EndsWith(".tar.gzip", StringComparison.Ordinal) ? LayerCompression.Gzip
                : mediaType.EndsWith(".tar.zstd", StringComparison.Ordinal) ? LayerCompression.Zstd
                : mediaType.EndsWith(".tar", StringComparison.Ordinal) ? LayerCompression.None
                : null;
        }

        return null;
    }

    /// <summary>The compression of a blob by its first bytes; anything unrecognised is taken as uncompressed.</summary>
    public static LayerCompression Detect(byte[] head, int count)
    {
        bool Starts(params byte[] magic)
        {
            if (count < magic.Length)
            {
                return false;
            }

            for (var i = 0; i < magic.Length; i++)
            {
                if (head[i] != magic[i])
                {
                    return false;
                }
            }

            return true;
        }

        return Starts(0x1f, 0x8b) ? LayerCompression.Gzip
            : Starts(0x28, 0xb5, 0x2f, 0xfd) ? LayerCompression.Zstd
            : Starts(0x42, 0x5a, 0x68) ? LayerCompression.Bzip2
            : Starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00) ? LayerCompression.Xz
            : LayerCompression.None;
    }

    /// <summary>
    /// Peeks at a stream's first bytes and hands back its compression with a stream that still starts at the
    /// beginning (the peeked bytes are put back in front of the rest).
    /// </summary>
    public static (LayerCompression Compression, Stream Whole) Peek(Stream stream)
    {
        var head = new byte[MagicLength];
        var n = 0;
        while (n < head.Length)
        {
            var read = stream.Read(head, n, head.Length - n);
            if (read == 0)
            {
                break;
            }

            n += read;
        }

        return (Detect(head, n), new PrefixedStream(head, n, stream));
    }

    /// <summary>A reader that undoes <paramref name="compression"/>; xz is refused by name.</summary>
    public static Stream Decompress(Stream compressed, LayerCompression compression, string what) => compression switch
    {
        LayerCompression.Gzip => GzipMembers.Open(compressed),
        LayerCompression.Zstd => ZstdDecoders.Open(compressed),
        LayerCompression.Bzip2 => new ICSharpCode.SharpZipLib.BZip2.BZip2InputStream(compressed),
        LayerCompression.Xz => throw UnsupportedMediaTypeException.Unreadable(what, "xz"),
        _ => compressed,
    };
}
