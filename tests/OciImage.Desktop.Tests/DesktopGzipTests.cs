using System.IO;
using System.IO.Compression;
using System.Text;
using OciImage.Core.Layers;
using Xunit;

namespace OciImage.Desktop.Tests;

/// <summary>
/// Found by this run: Mono's GZipStream (as .NET Framework's) stops after a gzip stream's first member, so a layer
/// of several members (pigz's, `cat a.gz b.gz`, ours over 4 MiB) read as a truncated tar. GzipMembers finds that
/// by probing and reads every member with SharpZipLib there.
/// </summary>
public class DesktopGzipTests
{
    [Fact]
    public void ThisRuntimesGZipStreamStopsAfterTheFirstMemberAndTheProbeSaysSo()
    {
        var twoMembers = TwoMembers("first ", "second");
        using var plain = new GZipStream(new MemoryStream(twoMembers), CompressionMode.Decompress);
        Assert.Equal("first ", new StreamReader(plain).ReadToEnd());
        Assert.False(GzipMembers.RuntimeReadsEveryMember);
    }

    [Fact]
    public void EveryMemberIsReadThroughTheEnginesDecompressor()
    {
        var stream = Compressions.Decompress(new MemoryStream(TwoMembers("first ", "second")), LayerCompression.Gzip, "test");
        Assert.Equal("first second", new StreamReader(stream).ReadToEnd());
    }

    private static byte[] TwoMembers(string a, string b)
    {
        var output = new MemoryStream();
        foreach (var part in new[] { a, b })
        {
            using var member = new GZipStream(output, CompressionMode.Compress, leaveOpen: true);
            var bytes = Encoding.ASCII.GetBytes(part);
            member.Write(bytes, 0, bytes.Length);
        }

        return output.ToArray();
    }
}
