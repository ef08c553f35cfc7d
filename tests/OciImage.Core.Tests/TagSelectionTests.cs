using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Selection;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>One tag selection for Get-OciTag, the mirror and retention: each rule, their order, filter and keep uses.</summary>
public sealed class TagSelectionTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static string[] Selected(TagSelection selection, params string[] tags) => selection.Apply(tags).SelectedTags.ToArray();

    [Fact]
    public void WildcardsAreCaseSensitiveAsTagsAre()
    {
        var tags = new[] { "V1", "v1", "v2", "v10", "latest", "Latest", "v1-[x]" };
        Assert.Equal(new[] { "v1", "v2", "v10", "v1-[x]" }, Selected(new TagSelection { Include = new[] { "v*" } }, tags));
        Assert.Equal(new[] { "Latest" }, Selected(new TagSelection { Include = new[] { "L*" } }, tags));
        Assert.Equal(new[] { "V1", "v1", "v2" }, Selected(new TagSelection { Include = new[] { "?[0-9]" } }, tags));
        Assert.Equal(new[] { "v1", "v2" }, Selected(new TagSelection { Include = new[] { "v[12]" } }, tags));
        Assert.Equal(new[] { "v1-[x]" }, Selected(new TagSelection { Include = new[] { "*`[x`]" } }, tags));
        Assert.Equal(new[] { "V1", "v2", "Latest" }, Selected(new TagSelection { Exclude = new[] { "v1*", "l*" } }, tags));
        Assert.Equal(new[] { "v10" }, Selected(new TagSelection { Include = new[] { "v*" }, Exclude = new[] { "v?", "*]" } }, tags));

        var error = Assert.Throws<InvalidSelectionException>(() => new TagSelection { Include = new[] { "v[1" } }.Validate());
        Assert.Equal("InvalidSelection", error.ErrorId);
        Assert.Equal("wildcard pattern", error.What);
    }

    [Fact]
    public void AWildcardCostsAtMostPatternTimesTagWhateverTheTag()
    {
        // A pattern of many stars against a long tag that almost matches: a backtracking matcher is exponential here.
        var wildcard = TagWildcard.Parse(string.Concat(Enumerable.Repeat("*a", 30)) + "b");
        var tag = new string('a', 10_000);
        var watch = Stopwatch.StartNew();
        Assert.False(wildcard.IsMatch(tag));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{watch.Elapsed}");
        Assert.True(TagWildcard.Parse("*a*b").IsMatch("xxaxxb"));
        Assert.False(TagWildcard.Parse("*a*b").IsMatch("xxaxxbc"));
        Assert.True(TagWildcard.Parse("").IsMatch(""));
        Assert.False(TagWildcard.Parse("").IsMatch("a"));
    }

    [Fact]
    public void ARegularExpressionIsCaseSensitiveAndABadOneIsInvalidSelection()
    {
        var tags = new[] { "1.2-alpine", "1.2-ALPINE", "1.2", "nightly-alpine" };
        Assert.Equal(new[] { "1.2-alpine", "nightly-alpine" }, Selected(new TagSelection { Pattern = "alpine$" }, tags));
        Assert.Equal(new[] { "1.2-alpine" }, Selected(new TagSelection { Pattern = @"^\d+\.\d+-alpine$" }, tags));
        var error = Assert.Throws<InvalidSelectionException>(() => new TagSelection { Pattern = "([a-z" }.Validate());
        Assert.Equal("regular expression", error.What);
    }

    [Fact]
    public void AHostileTagCannotHangARegularExpression()
    {
        // A registry may list any tag; against a catastrophic pattern it must end in an error, soon, selecting nothing.
        var selection = new TagSelection { Pattern = "^(a+)+$", PatternTimeout = TimeSpan.FromMilliseconds(20) };
        var watch = Stopwatch.StartNew();
        var error = Assert.Throws<InvalidSelectionException>(() => selection.Apply(new[] { "aaa", new string('a', 26) + "!" }));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"{watch.Elapsed}");
        Assert.Equal("InvalidSelection", error.ErrorId);
        Assert.Contains("took over 0.02 s", error.Message);
        Assert.Throws<InvalidSelectionException>(() => new TagSelection { Pattern = "a", PatternTimeout = TimeSpan.Zero }.Validate());
    }

    [Fact]
    public void RulesApplyInOrderAndNewestComesLast()
    {
        var tags = new[] { "1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "2.0" };

        // Exclude before newest: the two newest of what is left, not the newest two minus the excluded.
        Assert.Equal(new[] { "1.4", "2.0" }, Selected(new TagSelection { Exclude = new[] { "1.5" }, Newest = 2 }, tags));
        Assert.Equal(new[] { "1.3", "1.4" }, Selected(new TagSelection { VersionRange = "<1.5", Newest = 2 }, tags));
        Assert.Equal(new[] { "1.1", "1.2" }, Selected(new TagSelection { Pattern = "^1\\.[0-2]$", Newest = 2 }, tags));

        var result = new TagSelection { Include = new[] { "1.*" }, Exclude = new[] { "1.0" }, VersionRange = "<1.4", Newest = 1 }.Apply(tags);
        Assert.Equal(new[] { "1.3" }, result.SelectedTags);
        var reasons = result.NotSelected.ToDictionary(d => d.Tag, d => d.DroppedBy);
        Assert.Equal(SelectionStep.Include, reasons["2.0"]);
        Assert.Equal(SelectionStep.Exclude, reasons["1.0"]);
        Assert.Equal(SelectionStep.VersionRange, reasons["1.5"]);
        Assert.Equal(SelectionStep.Newest, reasons["1.1"]);
    }

    [Fact]
    public async Task DatesAreAskedOnlyWhenARuleNeedsThemAndOnlyForTheTagsThatReachIt()
    {
        var asked = new List<string>();
        CreatedDateLookup lookup = (tags, _) =>
        {
            asked.AddRange(tags);
            return Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset?>>(tags.ToDictionary(t => t, t => (DateTimeOffset?)new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        };
        var tags = new[] { "1.0", "1.1", "1.1-alpine", "2.0", "latest" };

        var noDates = await new TagSelection { Include = new[] { "1.*" }, Newest = 1 }.ApplyAsync(tags, lookup, SelectionUse.Filter, None);
        Assert.Empty(asked);
        Assert.Equal(0, noDates.DatesLookedUp);

        var dated = await new TagSelection { Include = new[] { "1.*" }, Exclude = new[] { "1.0" }, CreatedSince = new DateTimeOffset(2023, 1, 1, 0, 0, 0, TimeSpan.Zero) }
            .ApplyAsync(tags, lookup, SelectionUse.Filter, None);
        Assert.Equal(new[] { "1.1", "1.1-alpine" }, asked.OrderBy(t => t, StringComparer.Ordinal));
        Assert.Equal(2, dated.DatesLookedUp);
        Assert.All(dated.Selected, d => Assert.True(d.DateKnown));

        var error = Assert.Throws<InvalidSelectionException>(() => new TagSelection { CreatedBefore = DateTimeOffset.UtcNow }.Apply(tags));
        Assert.Equal("date rule", error.What);
    }

    [Fact]
    public void AVersionRuleTakesTagsWithoutAVariantUnlessItNamesOne()
    {
        var tags = new[] { "1.0", "1.1", "1.0-alpine", "1.1-alpine", "1.1-alpine3.19", "1.2-rc.1-alpine", "latest", "alpine" };
        Assert.Equal(new[] { "1.0", "1.1" }, Selected(new TagSelection { VersionRange = ">=1" }, tags));
        Assert.Equal(new[] { "1.0-alpine", "1.1-alpine" }, Selected(new TagSelection { Variant = "alpine" }, tags));
        Assert.Equal(new[] { "1.0-alpine", "1.1-alpine", "1.1-alpine3.19" }, Selected(new TagSelection { Variant = "alpine*" }, tags));
        Assert.Equal(new[] { "1.0-alpine", "1.1-alpine", "1.1-alpine3.19", "1.2-rc.1-alpine" }, Selected(new TagSelection { Variant = "alpine*", IncludePrerelease = true }, tags));

        // * takes every variant, and newest-N counts per variant.
        Assert.Equal(new[] { "1.1", "1.1-alpine", "1.1-alpine3.19" }, Selected(new TagSelection { Variant = "*", Newest = 1 }, tags));

        // Without a version rule the variant plays no part, and tags that are not versions pass.
        Assert.Equal(tags.Length, Selected(new TagSelection(), tags).Length);
        Assert.Equal(new[] { "latest" }, Selected(new TagSelection { Include = new[] { "l*" } }, tags));
    }

    [Fact]
    public void NewestCountsPerMajorOrMinorLine()
    {
        var tags = new[] { "1.0.0", "1.0.1", "1.1.0", "1.1.5", "2.0.0", "2.1.0", "2.1.1", "3.0.0-rc.1", "v2.1.2" };
        Assert.Equal(new[] { "2.1.1", "v2.1.2" }, Selected(new TagSelection { Newest = 2 }, tags));
        Assert.Equal(new[] { "1.1.5", "v2.1.2" }, Selected(new TagSelection { Newest = 1, NewestPer = VersionLine.Major }, tags));
        Assert.Equal(new[] { "1.0.1", "1.1.5", "2.0.0", "v2.1.2" }, Selected(new TagSelection { Newest = 1, NewestPer = VersionLine.Minor }, tags));
        Assert.Equal(new[] { "1.1.5", "v2.1.2", "3.0.0-rc.1" }, Selected(new TagSelection { Newest = 1, NewestPer = VersionLine.Major, IncludePrerelease = true }, tags));
        Assert.Equal(new[] { "1.1.0", "1.1.5", "2.1.1", "v2.1.2" }, Selected(new TagSelection { Newest = 2, NewestPer = VersionLine.Major }, tags));
        Assert.Throws<InvalidSelectionException>(() => new TagSelection { Newest = 0 }.Validate());
    }

    private static CreatedDateLookup Dates(Dictionary<string, DateTimeOffset?> dates) =>
        (tags, _) => Task.FromResult<IReadOnlyDictionary<string, DateTimeOffset?>>(tags.Where(dates.ContainsKey).ToDictionary(t => t, t => dates[t]));

    private static readonly Dictionary<string, DateTimeOffset?> Dated = new()
    {
        ["jan"] = new DateTimeOffset(2024, 1, 10, 0, 0, 0, TimeSpan.Zero),
        ["feb"] = new DateTimeOffset(2024, 2, 10, 0, 0, 0, TimeSpan.Zero),
        ["mar"] = new DateTimeOffset(2024, 3, 10, 0, 0, 0, TimeSpan.Zero),
        ["epoch"] = new DateTimeOffset(1970, 1, 1, 0, 0, 0, TimeSpan.Zero),
        ["nix"] = new DateTimeOffset(1970, 1, 1, 0, 0, 1, TimeSpan.Zero),
        ["zero"] = DateTimeOffset.MinValue,
        ["none"] = null,

        // "missing" is not in the answer at all.
    };

    private static readonly string[] DatedTags = { "jan", "feb", "mar", "epoch", "nix", "zero", "none", "missing" };

    [Fact]
    public async Task UndatedTagsSortLastAsAFilterAndAreNeverRemovedAsAKeepSelection()
    {
        var newest = new TagSelection { Newest = 2, NewestBy = NewestBy.Created };
        var filter = await newest.ApplyAsync(DatedTags, Dates(Dated), SelectionUse.Filter, None);
        Assert.Equal(new[] { "feb", "mar" }, filter.SelectedTags);
        Assert.All(filter.NotSelected.Where(d => d.Tag != "jan"), d => Assert.Null(d.Created)); // the epoch, Nix's epoch + 1 s and Go's zero time are undated

        var five = await new TagSelection { Newest = 5, NewestBy = NewestBy.Created }.ApplyAsync(DatedTags, Dates(Dated), SelectionUse.Filter, None);
        Assert.Equal(5, five.Selected.Count);
        Assert.Contains("jan", five.SelectedTags); // dated first, then undated fill up

        var keep = await newest.ApplyAsync(DatedTags, Dates(Dated), SelectionUse.Keep, None);
        Assert.Equal(new[] { "jan" }, keep.NotSelectedTags);
        Assert.Equal(SelectionStep.Newest, keep.NotSelected[0].DroppedBy);

        var since = new TagSelection { CreatedSince = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero) };
        Assert.Equal(new[] { "feb", "mar" }, (await since.ApplyAsync(DatedTags, Dates(Dated), SelectionUse.Filter, None)).SelectedTags);
        var kept = await since.ApplyAsync(DatedTags, Dates(Dated), SelectionUse.Keep, None);
        Assert.Equal(new[] { "jan" }, kept.NotSelectedTags);
        Assert.Equal(SelectionStep.CreatedSince, kept.NotSelected[0].DroppedBy);

        var before = new TagSelection { CreatedBefore = new DateTimeOffset(2024, 2, 10, 0, 0, 0, TimeSpan.Zero) };
        Assert.Equal(new[] { "jan" }, (await before.ApplyAsync(DatedTags, Dates(Dated), SelectionUse.Filter, None)).SelectedTags);
        Assert.Equal(new[] { "feb", "mar" }, (await before.ApplyAsync(DatedTags, Dates(Dated), SelectionUse.Keep, None)).NotSelectedTags);
        Assert.Throws<InvalidSelectionException>(() => new TagSelection { CreatedSince = Dated["mar"], CreatedBefore = Dated["jan"] }.Validate());
    }

    [Fact]
    public void AKeepSelectionKeepsTagsItsVersionRulesCannotJudge()
    {
        var tags = new[] { "latest", "main", "1.0", "1.1", "1.2", "1.2-alpine", "1.3-rc.1" };
        var keep = new TagSelection { Newest = 2 }.Apply(tags, SelectionUse.Keep);
        Assert.Equal(new[] { "1.1", "1.2", "latest", "main" }, keep.SelectedTags);
        Assert.Equal(new[] { "1.0", "1.2-alpine", "1.3-rc.1" }, keep.NotSelectedTags); // versions it judged: older, another variant, a pre-release

        var perVariant = new TagSelection { Newest = 2, Variant = "*" }.Apply(tags, SelectionUse.Keep);
        Assert.Equal(new[] { "1.0", "1.3-rc.1" }, perVariant.NotSelectedTags);

        // As a filter, the same rules drop what is not a version.
        Assert.Equal(new[] { "1.1", "1.2" }, new TagSelection { Newest = 2 }.Apply(tags).SelectedTags);

        // Name rules judge every tag in both uses.
        Assert.Equal(new[] { "main" }, new TagSelection { Exclude = new[] { "main" } }.Apply(tags, SelectionUse.Keep).NotSelectedTags);
    }

    [Fact]
    public void DigestPinsPassThroughAndTheOrderIsStable()
    {
        var pin = "app@sha256:" + new string('a', 64);
        var bare = "sha256:" + new string('b', 64);
        var tags = new[] { "1.10", pin, "latest", "1.9", "1.9", "v1.2", bare, "Latest" };
        var result = new TagSelection { Include = new[] { "1.*", "L*", "l*" }, Exclude = new[] { "*" } }.Apply(tags);
        Assert.Equal(new[] { pin, bare }, result.SelectedTags);
        Assert.True(result.Selected.All(d => d.IsPinned));
        Assert.DoesNotContain(result.NotSelected, d => d.IsPinned);

        var all = new TagSelection().Apply(tags);
        Assert.Equal(new[] { pin, bare, "v1.2", "1.9", "1.10", "Latest", "latest" }, all.SelectedTags);
        Assert.Equal(all.SelectedTags, new TagSelection().Apply(tags.Reverse()).SelectedTags.Where(t => !t.Contains(':')).Prepend(bare).Prepend(pin));
    }
}
