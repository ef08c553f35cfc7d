using System.IO;
using System.Text;
using OciImage.Core;
using OciImage.Core.Errors;
using Xunit;

namespace OciImage.Core.Tests;

public class DigestTests
{
    private const string HelloSha256 = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Fact]
    public void ComputesSha256AndSha512OverBytesAndStreams()
    {
        var bytes = Encoding.ASCII.GetBytes("hello");
        Assert.Equal(HelloSha256, Digest.Compute(bytes).ToString());
        var (digest, size) = Digest.Compute(new MemoryStream(bytes));
        Assert.Equal(HelloSha256, digest.ToString());
        Assert.Equal(5, size);
        Assert.Equal(
            "sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
            Digest.Compute(bytes, Digest.Sha512).ToString());
    }

    [Fact]
    public void ParsesAndRoundTrips()
    {
        var digest = Digest.Parse(HelloSha256);
        Assert.Equal("sha256", digest.Algorithm);
        Assert.Equal("2cf24dba5fb0", digest.Short);
        Assert.Equal(HelloSha256, digest.ToString());
        Assert.Equal(digest, Digest.Parse(HelloSha256));
        Assert.True(digest.Equals((object)HelloSha256));
    }

    [Theory]
    [InlineData("")]
    [InlineData("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    [InlineData("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824")]
    [InlineData("sha256:2cf24dba")]
    [InlineData("md5:5d41402abc4b2a76b9719d911017c592")]
    [InlineData("sha256:../../../../etc/passwd0000000000000000000000000000000000000000")]
    [InlineData("sha512:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    public void RejectsMalformedDigests(string text)
    {
        var ex = Assert.Throws<InvalidDigestException>(() => Digest.Parse(text));
        Assert.Equal("InvalidDigest", ex.ErrorId);
        Assert.False(Digest.TryParse(text, out _));
    }

    [Fact]
    public void SerialisesAsAJsonString()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Digest.Parse(HelloSha256));
        Assert.Equal("\"" + HelloSha256 + "\"", json);
        Assert.Equal(Digest.Parse(HelloSha256), System.Text.Json.JsonSerializer.Deserialize<Digest>(json));
    }
}
