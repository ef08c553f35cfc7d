using System.Linq;
using OciImage.Core.Errors;
using OciImage.Core.Selection;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>node-semver ranges over tag versions; a range that does not parse is InvalidSelection.</summary>
public sealed class VersionRangeTests
{
    private static readonly string[] Tags =
    {
        "0.0.3", "0.0.4", "0.2.3", "0.2.9", "0.3.0", "1.0.0", "1.2", "1.2.0", "1.2.3", "1.2.9", "1.3.0", "1.4.0", "1.4.7", "1.5.0",
        "1.24.9", "1.25", "1.25.0", "1.25.3", "1.25.3-alpine", "1.26.0", "1.26.0-rc.1", "1.99.0", "2.0.0-rc.1", "2.0.0", "2", "3.1.0", "v1.25.1",
    };

    [Theory]
    [InlineData(">=1.25 <2", "1.25 1.25.0 1.25.3 1.25.3-alpine 1.26.0 1.99.0 v1.25.1")]
    [InlineData(">= 1.25, < 2", "1.25 1.25.0 1.25.3 1.25.3-alpine 1.26.0 1.99.0 v1.25.1")]
    [InlineData("~1.25", "1.25 1.25.0 1.25.3 1.25.3-alpine v1.25.1")]
    [InlineData("~>1.25", "1.25 1.25.0 1.25.3 1.25.3-alpine v1.25.1")]
    [InlineData("~1.2.3", "1.2.3 1.2.9")]
    [InlineData("~1", "1.0.0 1.2 1.2.0 1.2.3 1.2.9 1.3.0 1.4.0 1.4.7 1.5.0 1.24.9 1.25 1.25.0 1.25.3 1.25.3-alpine 1.26.0 1.99.0 v1.25.1")]
    [InlineData("^1.2", "1.2 1.2.0 1.2.3 1.2.9 1.3.0 1.4.0 1.4.7 1.5.0 1.24.9 1.25 1.25.0 1.25.3 1.25.3-alpine 1.26.0 1.99.0 v1.25.1")]
    [InlineData("^0.2.3", "0.2.3 0.2.9")]
    [InlineData("^0.0.3", "0.0.3")]
    [InlineData("^0.0", "0.0.3 0.0.4")]
    [InlineData("1.25.x", "1.25 1.25.0 1.25.3 1.25.3-alpine v1.25.1")]
    [InlineData("1.25.*", "1.25 1.25.0 1.25.3 1.25.3-alpine v1.25.1")]
    [InlineData("1.25", "1.25 1.25.0 1.25.3 1.25.3-alpine v1.25.1")]
    [InlineData("=1.2.3", "1.2.3")]
    [InlineData("v1.2.3", "1.2.3")]
    [InlineData("=1.2", "1.2 1.2.0 1.2.3 1.2.9")]
    [InlineData("1.2 - 1.4", "1.2 1.2.0 1.2.3 1.2.9 1.3.0 1.4.0 1.4.7")]
    [InlineData("1.2.3 - 1.4.0", "1.2.3 1.2.9 1.3.0 1.4.0")]
    [InlineData(">1.2", "1.3.0 1.4.0 1.4.7 1.5.0 1.24.9 1.25 1.25.0 1.25.3 1.25.3-alpine 1.26.0 1.99.0 2.0.0 2 3.1.0 v1.25.1")]
    [InlineData("<=0.2", "0.0.3 0.0.4 0.2.3 0.2.9")]
    [InlineData("<0.2", "0.0.3 0.0.4")]
    [InlineData("<0.2 || >=3", "0.0.3 0.0.4 3.1.0")]
    [InlineData("2.x || 0.3.0", "0.3.0 2.0.0 2")]
    [InlineData("*", "0.0.3 0.0.4 0.2.3 0.2.9 0.3.0 1.0.0 1.2 1.2.0 1.2.3 1.2.9 1.3.0 1.4.0 1.4.7 1.5.0 1.24.9 1.25 1.25.0 1.25.3 1.25.3-alpine 1.26.0 1.99.0 2.0.0 2 3.1.0 v1.25.1")]
    [InlineData(">=2.0.0-rc.1 <3", "2.0.0-rc.1 2.0.0 2")] // named: its own pre-release line, not 1.26.0-rc.1
    [InlineData(">1.2.3 <1.2.3", "")]
    public void RangesSelectAsNodeSemverDoes(string range, string expected)
    {
        var parsed = VersionRange.Parse(range);
        var matched = Tags.Where(t => parsed.Contains(TagVersion.TryParse(t)!)).ToArray();
        Assert.Equal(expected.Split(' ', System.StringSplitOptions.RemoveEmptyEntries), matched);
    }

    [Fact]
    public void PrereleasesAreLeftOutUnlessNamedOrIncluded()
    {
        var range = VersionRange.Parse(">=1.25 <2");
        var rc = TagVersion.TryParse("1.26.0-rc.1")!;
        Assert.False(range.Contains(rc));
        Assert.True(range.Contains(rc, includePrerelease: true));
        Assert.False(range.Contains(TagVersion.TryParse("2.0.0-rc.1")!, includePrerelease: true)); // <2 stops below 2.0.0's pre-releases
        Assert.True(VersionRange.Parse(">=1.26.0-rc.1").Contains(TagVersion.TryParse("1.26.0-rc.2")!));
        Assert.False(VersionRange.Parse(">=1.26.0-rc.1").Contains(TagVersion.TryParse("1.27.0-rc.1")!));
        Assert.True(VersionRange.Parse("=3.13.0-rc1").Contains(TagVersion.TryParse("3.13.0rc1")!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(">=")]
    [InlineData("latest")]
    [InlineData("1.x.3")]
    [InlineData(">=1.2 <two")]
    [InlineData("1.2-rc.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("=>1.2")]
    [InlineData("1.2 - ")]
    [InlineData(">=1.2 ||| <1")]
    public void ARangeThatDoesNotParseIsInvalidSelection(string range)
    {
        var error = Assert.Throws<InvalidSelectionException>(() => VersionRange.Parse(range));
        Assert.Equal("InvalidSelection", error.ErrorId);
        Assert.Equal(OciErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("version range", error.What);
    }
}
