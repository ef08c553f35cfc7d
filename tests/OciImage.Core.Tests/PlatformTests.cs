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
}
