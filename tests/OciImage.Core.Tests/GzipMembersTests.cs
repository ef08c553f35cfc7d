using System.IO;
using System.IO.Compression;
using System.Text;
using OciImage.Core.Layers;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The path GzipMembers takes on .NET Framework and Mono (whose GZipStream stops after the first member), run here
/// by injection; the Mono run (OciImage.Desktop.Tests) runs it for real.
/// </summary>
public class GzipMembersTests
{
    [Fact]
    public void DotNetsGZipStreamReadsEveryMemberAndTheProbeSaysSo() => Assert.True(GzipMembers.RuntimeReadsEveryMember);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryMemberIsReadOnEitherPath(bool runtimeReadsEveryMember)
    {
        var output = new MemoryStream();
        foreach (var part in new[] { "first ", "second ", "third" })
        {
            using var member = new GZipStream(output, CompressionMode.Compress, leaveOpen: true);
            member.Write(Encoding.ASCII.GetBytes(part));
        }

        output.Position = 0;
        using var reader = new StreamReader(GzipMembers.Open(output, runtimeReadsEveryMember));
        Assert.Equal("first second third", reader.ReadToEnd());
    }

    [Fact]
    public void ACorruptMemberOnTheFallbackPathIsALayerError()
    {
        var bytes = new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        using var tar = new CorruptionTranslatingStream(GzipMembers.Open(new MemoryStream(bytes), runtimeReadsEveryMember: false), "test");
        Assert.Equal("InvalidLayer", Assert.ThrowsAny<OciImage.Core.Errors.OciException>(() => tar.ReadByte()).ErrorId);
    }
}
