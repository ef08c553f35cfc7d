using System;
using System.Collections.Generic;
using System.Linq;
using OciImage.Core;
using OciImage.Core.Analysis;
using OciImage.Core.Base;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Which entries survive a squash, and which markers stay above a base: the whiteout rules on paths alone.</summary>
public sealed class SquashPlanTests
{
    private static LayerEntry E(string path, EntryKind kind = EntryKind.File, string? link = null) =>
        new(path, path, kind, 1, 0x1A4, 0, 0, link, DateTime.UnixEpoch, null);

    private static ScannedLayer L(int index, params LayerEntry[] entries) =>
        new(index, new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Compute(new byte[] { (byte)index }), Size = 1 }, entries);

    private static List<string> Kept(SquashPlan plan, IReadOnlyList<ScannedLayer> layers) =>
        layers.SelectMany((l, k) => plan.Kept[k].OrderBy(i => i).Select(i => $"{k}:{l.Entries[i].Path}")).ToList();

    [Fact]
    public void AWhitedOutDirectoryHidesWhatLowerLayersPutUnderIt()
    {
        var layers = new[] { L(0, E("d", EntryKind.Directory), E("d/a"), E("keep")), L(1, E("d", EntryKind.Whiteout)) };
        var plan = SquashPlan.Make(layers, overBase: false);
        Assert.Equal(new[] { "0:keep" }, Kept(plan, layers));
        Assert.Empty(plan.Whiteouts);
    }

    [Fact]
    public void AFileOverADirectoryAndAnOpaqueMarkerHideTheChildrenBelow()
    {
        var layers = new[]
        {
            L(0, E("f", EntryKind.Directory), E("f/x"), E("o", EntryKind.Directory), E("o/old")),
            L(1, E("f"), E("o", EntryKind.Directory), E("o", EntryKind.OpaqueDirectory), E("o/new")),
        };
        var plan = SquashPlan.Make(layers, overBase: false);
        Assert.Equal(new[] { "1:f", "1:o", "1:o/new" }, Kept(plan, layers));
    }

    [Fact]
    public void AboveABaseAWhiteoutUnderADirectoryMadeAgainBecomesAnOpaqueMarker()
    {
        var layers = new[]
        {
            L(5, E("etc/gone", EntryKind.Whiteout), E("var", EntryKind.Whiteout)),
            L(6, E("var", EntryKind.Directory), E("var/new")),
        };
        var plan = SquashPlan.Make(layers, overBase: true);
        Assert.Equal(new[] { "etc/gone" }, plan.Whiteouts);
        Assert.Equal(new[] { "var" }, plan.OpaqueDirectories);
        Assert.Equal(new[] { "1:var", "1:var/new" }, Kept(plan, layers));
    }

    [Fact]
    public void AHardLinkWhoseTargetALaterLayerRewritesIsRefused()
    {
        var layers = new[] { L(0, E("a"), E("b", EntryKind.HardLink, "a")), L(1, E("a")) };
        Assert.Throws<InvalidLayerException>(() => SquashPlan.Make(layers, overBase: false));
        var fine = new[] { L(0, E("a")), L(1, E("b", EntryKind.HardLink, "a")) };
        Assert.Equal(new[] { "0:a", "1:b" }, Kept(SquashPlan.Make(fine, overBase: false), fine));
    }

    [Fact]
    public void AnEntryThatClimbsOutOfTheRootIsRefused() =>
        Assert.Throws<UnsafeLayerEntryException>(() => SquashPlan.Make(new[] { L(0, E("../x")) }, overBase: false));
}
