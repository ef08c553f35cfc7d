using System.IO;
using System.IO.Compression;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// A gzip layer of one file of many GiB of zeros, made in a fraction of a second: one gzip member of 64 MiB of
/// zeros written once and repeated (a multi-member gzip, as pigz writes one). It attacks cancellation that is
/// checked once a tar entry: a rewrite of it runs for minutes inside one entry. Its DiffID is not computed
/// (hashing gigabytes is what it avoids): the config names a made-up one, which a run stopped midway never checks.
/// </summary>
public static class HugeCheapLayer
{
    private const int Member = 64 << 20;

    public static TestImages.Layer Add(string layout, string name, int members)
    {
        var blob = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(layout))!, Path.GetFileName(layout) + ".huge-layer.tmp");
        Directory.CreateDirectory(layout);
        var zeros = Gzip(new byte[Member]);
        using (var file = File.Create(blob))
        {
            var header = new RawTar().Header(name, '0', size: (long)members * Member, base256: new[] { "size" }).ToArray();
            file.Write(Gzip(header[..RawTar.Block]));
            for (var i = 0; i < members; i++)
            {
                file.Write(zeros);
            }

            file.Write(Gzip(new byte[2 * RawTar.Block])); // the end-of-archive blocks
        }

        Digest digest;
        long length;
        using (var read = File.OpenRead(blob))
        {
            (digest, length) = Digest.Compute(read, Digest.Sha256);
        }

        using (var store = OciLayoutStore.OpenOrCreate(layout))
        using (var read = File.OpenRead(blob))
        {
            store.PutBlobAsync(new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = digest, Size = length }, read, null, CancellationToken.None).GetAwaiter().GetResult();
        }

        File.Delete(blob);
        return new TestImages.Layer(digest.ToString(), "sha256:" + new string('0', 64), length, MediaTypes.OciLayerGzip);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data, 0, data.Length);
        }

        return buffer.ToArray();
    }
}
