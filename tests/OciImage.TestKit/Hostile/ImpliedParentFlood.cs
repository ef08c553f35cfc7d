using System.IO;
using System.IO.Compression;
using System.Linq;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Attacks a memory charge made per entry when the trees keep a node per directory: files "N/d/d/…/d/f", each
/// under a top directory of its own and no directory listed, so every one of an entry's parents is a new node
/// (a dictionary, a node, a name: a few hundred bytes) in the merged tree and in dive's trees, while its path
/// costs two bytes a level. A PAX or GNU long name of 1 MiB holds 500,000 levels and compresses to a kilobyte.
/// </summary>
public static class ImpliedParentFlood
{
    /// <summary>The uncompressed tar: <paramref name="entries"/> files, each <paramref name="depth"/> unlisted directories deep.</summary>
    public static byte[] Tar(int entries, int depth)
    {
        var tar = new HostileTar();
        var below = string.Join("/", Enumerable.Repeat("d", depth - 1));
        for (var i = 0; i < entries; i++)
        {
            tar.File(i.ToString("x") + "/" + below + "/f", 0);
        }

        return tar.ToArray();
    }

    /// <summary>The same tar, gzipped (what makes it a few kilobytes).</summary>
    public static byte[] Gzip(int entries, int depth)
    {
        var tar = Tar(entries, depth);
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(tar, 0, tar.Length);
        }

        return output.ToArray();
    }
}
