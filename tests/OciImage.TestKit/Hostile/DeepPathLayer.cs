using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Attacks recursion on depth: one file 50,000 directories deep ("d/d/…/d/f", a GNU long name of 100 KB) in a
/// gzip layer of a few hundred bytes. Any tree walk that recurses once per directory overflows the stack, which
/// no catch can stop: the whole process, a PowerShell host included, dies.
/// </summary>
public static class DeepPathLayer
{
    public const int Depth = 50_000;

    /// <summary>The directory part, "d/d/…/d" (<paramref name="depth"/> names).</summary>
    public static string Directories(int depth = Depth) => string.Join("/", Enumerable.Repeat("d", depth));

    /// <summary>The deep file's path, without a leading '/'.</summary>
    public static string FilePath(int depth = Depth) => Directories(depth) + "/f";

    /// <summary>The uncompressed tar: the top directory listed, and the deep file (<paramref name="size"/> bytes).</summary>
    public static byte[] Tar(int depth = Depth, int size = 4) =>
        new HostileTar().Directory("d/").File(FilePath(depth), size).ToArray();

    /// <summary>A layer that deletes the whole deep tree with one whiteout of its top directory.</summary>
    public static byte[] WhiteoutOfTop() => new HostileTar().Whiteout("d").File("g", 1).ToArray();

    /// <summary>Writes a tar into a layout as a gzip layer (what makes the attack a few hundred bytes) and describes it.</summary>
    public static TestImages.Layer AddGzipLayer(string layout, byte[] tar)
    {
        var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(tar, 0, tar.Length);
        }

        var blob = packed.ToArray();
        using var store = OciLayoutStore.OpenOrCreate(layout);
        var digest = Digest.Compute(blob);
        store.PutBlobAsync(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = digest, Size = blob.Length }, new MemoryStream(blob), null, CancellationToken.None)
            .GetAwaiter().GetResult();
        return new TestImages.Layer(digest.ToString(), Digest.Compute(tar).ToString(), blob.Length, MediaTypes.OciLayerGzip);
    }

    /// <summary>
    /// Two images in <paramref name="layout"/>: "deep" (the deep file) and "deep-gone" (the deep file, then a layer
    /// that deletes it with a whiteout of "d" and adds "g"). Returns the deep layer's size in bytes.
    /// </summary>
    public static long ComposeImages(string layout)
    {
        var deep = AddGzipLayer(layout, Tar());
        TestImages.Compose(layout, "deep", new[] { deep });
        TestImages.Compose(layout, "deep-gone", new[] { deep, AddGzipLayer(layout, WhiteoutOfTop()) });
        return deep.Size;
    }
}
