using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core.Base;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// An extended attribute whose name is not UTF-8 (the PAX record's key holds raw bytes) is read as U+FFFD: a squash
/// that wrote it back would rename the attribute. It refuses the layer instead, naming the entry; a valid name is
/// carried as it was.
/// </summary>
public sealed class SquashXattrNameTests
{
    /// <summary>"LENGTH SCHILY.xattr.NAME=value\n" with the name's bytes as given.</summary>
    private static byte[] Record(byte[] name, byte[] value)
    {
        var key = Encoding.ASCII.GetBytes("SCHILY.xattr.").Concat(name).ToArray();
        var rest = key.Length + value.Length + 3;
        var length = rest + 1;
        while (length.ToString(System.Globalization.CultureInfo.InvariantCulture).Length + rest != length)
        {
            length++;
        }

        return Encoding.ASCII.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ").Concat(key).Concat(new[] { (byte)'=' }).Concat(value).Concat(new[] { (byte)'\n' }).ToArray();
    }

    private static Model.Descriptor Layer(MemoryStore store, byte[] name)
    {
        var record = Record(name, Encoding.ASCII.GetBytes("value"));
        var tar = new RawTar().Header("PaxHeaders/file", 'x', record.Length).Data(record).File("file", "content\n").End();
        var gzip = new MemoryStream();
        using (var writer = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = tar.ToArray();
            writer.Write(bytes, 0, bytes.Length);
        }

        return store.Seed(gzip.ToArray(), MediaTypes.OciLayerGzip);
    }

    [Fact]
    public void ANameThatIsNotUtf8IsRefusedNotRenamed()
    {
        var store = new MemoryStore();
        var layer = Layer(store, new byte[] { (byte)'u', (byte)'s', (byte)'e', (byte)'r', (byte)'.', 0xFF, 0xFE, (byte)'x' });
        var error = Assert.Throws<InvalidLayerException>(() => LayerSquash.SquashAsync(store, new[] { layer }, 0, overBase: false, "squash", CancellationToken.None).GetAwaiter().GetResult());
        Assert.Contains("'file'", error.Message, System.StringComparison.Ordinal);
        Assert.Contains("extended attribute", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void AValidNameIsCarried()
    {
        var store = new MemoryStore();
        var layer = Layer(store, Encoding.UTF8.GetBytes("user.grüße"));
        var result = LayerSquash.SquashAsync(store, new[] { layer }, 0, overBase: false, "squash", CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            using var squashed = File.OpenRead(result.TempFile);
            using var reader = new LayerReader(squashed, "squashed", System.Threading.CancellationToken.None);
            var item = reader.Items(CancellationToken.None).Single(i => i.Path == "file");
            Assert.Equal(Encoding.ASCII.GetBytes("value"), item.Xattrs["user.grüße"]);
        }
        finally
        {
            File.Delete(result.TempFile);
        }
    }
}
