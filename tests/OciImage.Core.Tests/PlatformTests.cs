using System.Linq;
using OciImage.Core;
using OciImage.Core.Errors;
using Xunit;

namespace OciImage.Core.Tests;

public class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux", "amd64", null)]
    [InlineData("linux/arm64/v8", "linux", "arm64", "v8")]
    [InlineData("Windows/AMD64", "windows", "amd64", null)]
    public void Parses(string text, string os, string arch, string? variant)
    {
        var platform = Platform.Parse(text);
        Assert.Equal(os, platform.OS);
        Assert.Equal(arch, platform.Architecture);
        Assert.Equal(variant, platform.Variant);
    }

    [Theory]
    [InlineData("")]
    [InlineData("linux")]
    [InlineData("linux/")]
    [InlineData("linux/arm/v7/extra")]
    [InlineData("linux/amd 64")]
    public void RejectsMalformed(string text) =>
        Assert.Equal("InvalidPlatform", Assert.Throws<InvalidPlatformException>(() => Platform.Parse(text)).ErrorId);

    [Theory]
    [InlineData("linux/arm64", "linux/arm64/v8", true)]
    [InlineData("linux/arm64/v8", "linux/arm64", true)]
    [InlineData("linux/arm64", "linux/aarch64", true)]
    [InlineData("linux/arm64", "linux/arm64/v9", false)]
    [InlineData("linux/arm", "linux/arm/v7", true)]
    [InlineData("linux/arm", "linux/arm/v6", false)]
    [InlineData("linux/arm/v6", "linux/arm/v6", true)]
    [InlineData("linux/amd64", "linux/amd64/v3", true)]
    [InlineData("linux/amd64/v3", "linux/amd64", false)]
    [InlineData("linux/amd64", "linux/x86_64", true)]
    [InlineData("linux/amd64", "windows/amd64", false)]
    [InlineData("linux/amd64", "linux/arm64", false)]
    public void MatchesTheWayContainerdNormalises(string requested, string candidate, bool expected) =>
        Assert.Equal(expected, Platform.Parse(requested).Matches(Platform.Parse(candidate)));

    [Theory]
    [InlineData("linux/arm/v7", "linux/arm/v7", 0)]
    [InlineData("linux/arm/v7", "linux/arm", 0)]
    [InlineData("linux/arm/v7", "linux/arm/v6", 1)]
    [InlineData("linux/arm/v7", "linux/arm/v5", 2)]
    [InlineData("linux/arm/v6", "linux/arm/v7", null)]
    [InlineData("linux/arm/v5", "linux/arm/v4", null)]
    [InlineData("linux/arm", "linux/arm/v6", 1)]
    [InlineData("linux/arm/v8", "linux/arm/v7", 1)]
    [InlineData("linux/arm64", "linux/arm64/v8", 0)]
    [InlineData("linux/arm64/v9", "linux/arm64/v8", 1)]
    [InlineData("linux/arm64", "linux/arm/v7", null)]
    [InlineData("linux/amd64/v3", "linux/amd64/v2", 1)]
    [InlineData("linux/amd64/v3", "linux/amd64", 2)]
    [InlineData("linux/amd64/v2", "linux/amd64/v3", null)]
    [InlineData("linux/amd64", "linux/386", null)]
    [InlineData("linux/riscv64/rva23", "linux/riscv64/rva22", null)]
    public void RanksOlderVariantsAsContainerdFallsBack(string requested, string candidate, int? rank) =>
        Assert.Equal(rank, Platform.Parse(requested).CompatibilityRank(Platform.Parse(candidate)));

    [Fact]
    public void ChoosesTheNewestCompatibleVariantOfAnIndex()
    {
        static Model.Descriptor Entry(string platform, char fill) => new()
        {
            MediaType = MediaTypes.OciManifest,
            Digest = Digest.Parse("sha256:" + new string(fill, 64)),
            Size = 1,
            Platform = Platform.Parse(platform),
        };

        var index = new[] { Entry("linux/arm/v5", 'a'), Entry("linux/arm/v6", 'b'), Entry("linux/amd64", 'c'), Entry("linux/arm64", 'd') };
        Assert.Equal('b', Images.PlatformChoice.Best(Platform.Parse("linux/arm/v7"), index).Single().Digest.Hex[0]);
        Assert.Equal('a', Images.PlatformChoice.Best(Platform.Parse("linux/arm/v5"), index).Single().Digest.Hex[0]);
        Assert.Equal('d', Images.PlatformChoice.Best(Platform.Parse("linux/arm64/v8"), index).Single().Digest.Hex[0]);
        Assert.Empty(Images.PlatformChoice.Best(Platform.Parse("linux/ppc64le"), index));
    }
}
