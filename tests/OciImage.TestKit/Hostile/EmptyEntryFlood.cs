using System.IO;
using System.IO.Compression;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Attacks memory that grows with a layer's entries: a gzip layer of nothing but empty files with short names.
/// Each 512-byte header compresses to about 6 bytes, so a few megabytes hold a million paths, and a reader that
/// keeps every path (the analysis, the squash) would need gigabytes for a download of megabytes. Written as a
/// stream, so the fixture itself never holds the tar.
/// </summary>
public static class EmptyEntryFlood
{
    /// <summary>The gzip bytes of a tar of <paramref name="entries"/> empty files "f/HEX" (and the directory "f/").</summary>
    public static byte[] Gzip(int entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            var head = new RawTar().Header("f/", '5', mode: 0x1ED).ToArray();
            gzip.Write(head, 0, head.Length);
            for (var i = 0; i < entries; i += 1000)
            {
                var chunk = new RawTar();
                for (var n = i; n < entries && n < i + 1000; n++)
                {
                    chunk.Header("f/" + n.ToString("x"), '0');
                }

                var bytes = chunk.ToArray();
                gzip.Write(bytes, 0, bytes.Length);
            }

            var end = new RawTar().End().ToArray();
            gzip.Write(end, 0, end.Length);
        }

        return output.ToArray();
    }
}
