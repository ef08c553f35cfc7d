using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Base;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Layers.Tar;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Red team 10: a squash writes an entry's long name and its extended attributes into one PAX header. Read, they
/// may have come in two headers (a GNU long name and a PAX header), each under the 1 MiB that Go's archive/tar and
/// our reader take for one; written together they must not make a header neither can read, a squashed layer no
/// runtime can pull.
/// </summary>
public sealed class SquashSpecialHeaderBoundTests
{
    [Fact]
    public void ALongNameAndAttributesNearTheLimitAreRefusedOrReadBack()
    {
        var name = string.Join("/", Enumerable.Repeat("directory-with-a-long-name", 12)) + "/file";
        var value = new byte[TarReader.MaxSpecialSize - 200];
        new Random(10).NextBytes(value);
        var record = RawTar.PaxRecord("SCHILY.xattr.user.big", value);
        Assert.True(record.Length < TarReader.MaxSpecialSize);
        var tar = new RawTar()
            .Header("PaxHeaders/entry", 'x', record.Length).Data(record)
            .LongName('L', name)
            .File("short", "content\n")
            .End();

        var store = new MemoryStore();
        var layer = store.Seed(Gzip(tar.ToArray()), MediaTypes.OciLayerGzip);
        Assert.Equal(value, Read(store.OpenBlobAsync(layer, CancellationToken.None).GetAwaiter().GetResult(), name).Xattrs["user.big"]);

        LayerSquash.Result result;
        try
        {
            result = LayerSquash.SquashAsync(store, new[] { layer }, 0, overBase: false, "squash", CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidLayerException refused)
        {
            Assert.Contains(name, refused.Message, StringComparison.Ordinal);
            return;
        }

        try
        {
            using var squashed = File.OpenRead(result.TempFile);
            Assert.Equal(value, Read(squashed, name).Xattrs["user.big"]);
        }
        finally
        {
            File.Delete(result.TempFile);
        }
    }

    private static LayerItem Read(Stream stream, string path)
    {
        using var reader = new LayerReader(stream, "layer", System.Threading.CancellationToken.None);
        return reader.Items(CancellationToken.None).Single(i => i.Path == path);
    }

    private static byte[] Gzip(byte[] tar)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar, 0, tar.Length);
        }

        return output.ToArray();
    }
}
