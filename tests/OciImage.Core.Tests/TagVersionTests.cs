using System;
using System.Linq;
using OciImage.Core.Selection;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Tags read as versions the way Docker Hub users mean them, and their order (docs/TAG-SELECTION.md).</summary>
public sealed class TagVersionTests
{
    [Theory]
    [InlineData("1", "1", null, null, null)]
    [InlineData("1.2", "1.2", null, null, null)]
    [InlineData("v1.2.3", "1.2.3", "v", null, null)]
    [InlineData("V2.0", "2.0", "V", null, null)]
    [InlineData("1.2.3.4", "1.2.3.4", null, null, null)]
    [InlineData("2024.01.15", "2024.1.15", null, null, null)]
    [InlineData("1.2.3-alpine", "1.2.3", null, null, "alpine")]
    [InlineData("1.25.3-alpine3.19", "1.25.3", null, null, "alpine3.19")]
    [InlineData("3.12-slim-bookworm", "3.12", null, null, "slim-bookworm")]
    [InlineData("1.2.3-1", "1.2.3", null, null, "1")]
    [InlineData("1.2.3-rc.1", "1.2.3", null, "rc.1", null)]
    [InlineData("1.2.3-beta2", "1.2.3", null, "beta2", null)]
    [InlineData("1.2.3-alpha", "1.2.3", null, "alpha", null)]
    [InlineData("1.2.3-RC-1", "1.2.3", null, "RC-1", null)]
    [InlineData("1.2.3-dev", "1.2.3", null, "dev", null)]
    [InlineData("1.2.3-pre", "1.2.3", null, "pre", null)]
    [InlineData("8.0-preview.3-bookworm-slim", "8.0", null, "preview.3", "bookworm-slim")]
    [InlineData("1.2.3-rc.1-alpine", "1.2.3", null, "rc.1", "alpine")]
    [InlineData("3.13.0rc1", "3.13.0", null, "rc1", null)]
    [InlineData("3.13.0b2-alpine", "3.13.0", null, "b2", "alpine")]
    [InlineData("3.13.0a1", "3.13.0", null, "a1", null)]
    [InlineData("1.2.3-b1", "1.2.3", null, null, "b1")] // a lone a/b after a dash is a variant: only glued (Python) forms are pre-releases
    [InlineData("1.2.3-devel", "1.2.3", null, null, "devel")] // a keyword must be the whole word (or followed by digits)
    [InlineData("1.2.3-rcx", "1.2.3", null, null, "rcx")]
    public void ParsesVersionsPrereleasesAndVariants(string tag, string numbers, string? prefix, string? prerelease, string? variant)
    {
        var version = TagVersion.TryParse(tag);
        Assert.NotNull(version);
        Assert.Equal(numbers, string.Join(".", version!.Numbers));
        Assert.Equal(prefix, version.Prefix);
        Assert.Equal(prerelease, version.Prerelease);
        Assert.Equal(prerelease is not null, version.IsPrerelease);
        Assert.Equal(variant, version.Variant);
        Assert.Equal(tag, version.Tag);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("alpine3.19")]
    [InlineData("main")]
    [InlineData("v")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2_3")]
    [InlineData("1.2.3a")]
    [InlineData("1.2-")]
    [InlineData("1.2--alpine")]
    [InlineData("1..2")]
    [InlineData(".1")]
    [InlineData("1234567890123456789")] // 19 digits: over a long's safe range
    [InlineData("sha256-0123456789abcdef")]
    [InlineData("")]
    public void OtherTagsAreNotVersions(string tag) => Assert.Null(TagVersion.TryParse(tag));

    [Fact]
    public void ATagOverTheSpecsLengthIsNotAVersion()
    {
        Assert.NotNull(TagVersion.TryParse("1.2.3-" + new string('a', 122)));
        Assert.Null(TagVersion.TryParse("1.2.3-" + new string('a', 123)));
    }

    [Fact]
    public void VersionsSortAsUsersExpectNotAsStrings()
    {
        var expected = new[]
        {
            "1", "1.0", "1.0.0", "v1.0.0", "1.0.0-alpine",
            "1.2", "1.9", "1.10",
            "2.0.0-dev", "2.0.0-alpha", "2.0.0-alpha.1", "2.0.0-alpha.beta", "2.0.0-beta", "2.0.0-beta2", "2.0.0-beta10",
            "2.0.0-pre", "2.0.0-rc.1", "2.0.0-rc1", "2.0.0-rc.2", "2.0.0",
            "2.0.0.1", "10.0",
        };
        var shuffled = expected.OrderBy(t => t.GetHashCode()).Reverse().ToArray();
        var sorted = shuffled.Select(t => TagVersion.TryParse(t)!).OrderBy(v => v).Select(v => v.Tag).ToArray();
        Assert.Equal(expected, sorted);

        // The string comparer puts versions first, the other tags after them in ordinal order.
        var mixed = new[] { "latest", "1.10", "alpine", "1.9", "Latest" };
        Assert.Equal(new[] { "1.9", "1.10", "Latest", "alpine", "latest" }, mixed.OrderBy(t => t, TagVersion.TagComparer).ToArray());
    }

    [Fact]
    public void PrecedenceIgnoresTheWritingButTheTotalOrderIsStable()
    {
        var a = TagVersion.TryParse("1.2")!;
        var b = TagVersion.TryParse("v1.2.0-alpine")!;
        Assert.Equal(0, a.ComparePrecedence(b));
        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(a) > 0);
        Assert.Equal(0, TagVersion.TryParse("2.0.0-rc1")!.ComparePrecedence(TagVersion.TryParse("2.0.0-rc.1")!));
        Assert.True(TagVersion.TryParse("2.0.0-rc.1")!.CompareTo(TagVersion.TryParse("2.0.0-rc1")!) < 0); // ordinal tag text breaks the tie
    }
}
