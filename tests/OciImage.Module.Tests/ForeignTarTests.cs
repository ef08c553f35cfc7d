using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Issue 26 item 4: layers written by other tools (GNU tar pax and gnu, Python's tarfile pax and gnu, bsdtar pax
/// and gnutar, busybox), each holding long names, long link targets, big owners, an xattr, hard links (one to a
/// symbolic link) and special modes. Every reader of the module agrees with GNU tar: the listing and -Merged with
/// `tar -tv`, Expand-OciImage with the tree `tar -x` extracts (hard links included), Compare-OciImage -Files sees
/// no change between writers, Measure-OciImage counts what `tar -tv` lists; sparse files are InvalidLayer naming sparse.
/// </summary>
public sealed class ForeignTarTests : IClassFixture<ForeignTarImages>
{
    private readonly ForeignTarImages _images;

    public ForeignTarTests(ForeignTarImages images) => _images = images;

    public static IEnumerable<object[]> Writers => ForeignTars.Writers.Select(w => new object[] { w });

    public static IEnumerable<object[]> SparseWriters => ForeignTars.SparseWriters.Select(w => new object[] { w.Name });

    [RuntimeToolTheory("tar", "python3")]
    [MemberData(nameof(Writers))]
    public void ListingAndMergedAgreeWithGnuTarsListing(string writer)
    {
        var expected = TarListing.Of(_images.Tar(writer));
        using var host = new PowerShellHost();
        var listed = Lines(host.RunClean($"Get-OciLayerItem 'oci:{_images.Layout}:{writer}' -Layer 0"));
        Assert.True(expected.SequenceEqual(listed), "Get-OciLayerItem\n" + TreeListing.Difference(expected, listed));

        // One layer: the merged view is the layer, with every path once.
        var merged = Lines(host.RunClean($"Get-OciLayerItem 'oci:{_images.Layout}:{writer}' -Merged"));
        Assert.True(expected.SequenceEqual(merged), "-Merged\n" + TreeListing.Difference(expected, merged));

        // The long names and targets are whole, the big owners there (the listing compared above says so; this says it was in the tar).
        Assert.Contains(expected, l => l.StartsWith("Symlink 0777 3000000:3000001 0 longlink -> " + ForeignTars.LongTarget, StringComparison.Ordinal));
        Assert.Contains(expected, l => l.Contains(ForeignTars.DeepFile, StringComparison.Ordinal));

        if (ForeignTars.KeepsXattrs(writer))
        {
            var value = host.RunClean($"Get-OciLayerItem 'oci:{_images.Layout}:{writer}' -Layer 0 | Where-Object Path -eq '/{ForeignTars.XattrFile}' | ForEach-Object {{ [Text.Encoding]::UTF8.GetString($_.Xattrs['{ForeignTars.XattrName}']) }}");
            Assert.Equal(ForeignTars.XattrValue, Assert.Single(value).ToString());
        }
    }

    [RuntimeToolTheory("tar", "python3")]
    [MemberData(nameof(Writers))]
    public void ExpandGivesTheTreeGnuTarExtracts(string writer)
    {
        var gnu = _images.GnuTarTree(writer);
        var ours = _images.Combine("ours-x-" + writer);
        using (var host = new PowerShellHost())
        {
            host.RunClean($"Expand-OciImage 'oci:{_images.Layout}:{writer}' '{ours}'");
        }

        // Type, mode, owner, link target and content hash of every path, then which names share one file.
        var expected = TreeListing.Of(gnu);
        var actual = TreeListing.Of(ours);
        Assert.True(expected.SequenceEqual(actual), TreeListing.Difference(expected, actual));
        var expectedLinks = TreeListing.HardLinkGroups(gnu);
        var actualLinks = TreeListing.HardLinkGroups(ours);
        Assert.True(expectedLinks.SequenceEqual(actualLinks), "hard links\n" + TreeListing.Difference(expectedLinks, actualLinks));
        Assert.NotEmpty(expectedLinks);
    }

    [RuntimeToolTheory("tar", "python3")]
    [MemberData(nameof(Writers))]
    public void CompareSeesNoChangeBetweenWritersAndMeasureCountsWhatTarLists(string writer)
    {
        const string Reference = "gnu-pax";
        _images.Tar(Reference);
        var listing = TarListing.Of(_images.Tar(writer));
        using var host = new PowerShellHost();
        var changes = host.RunClean($"Compare-OciImage 'oci:{_images.Layout}:{Reference}' 'oci:{_images.Layout}:{writer}' -Files")
            .Select(c => $"{c.Properties["Change"].Value} {c.Properties["Path"].Value} [{string.Join(",", (string[])c.Properties["Changes"].Value)}]").ToList();
        Assert.Empty(changes);

        // dive's rule: every regular file's size once, a hard link 0; the same figures whichever tool wrote the layer.
        var measure = host.RunClean($"Measure-OciImage 'oci:{_images.Layout}:{writer}'").Single();
        var reference = host.RunClean($"Measure-OciImage 'oci:{_images.Layout}:{Reference}'").Single();
        var fileBytes = listing.Where(l => l.StartsWith("File ", StringComparison.Ordinal)).Sum(l => long.Parse(l.Split(' ')[3]));
        Assert.Equal(fileBytes, (long)measure.Properties["UncompressedSize"].Value);
        foreach (var figure in new[] { "UncompressedSize", "FileCount", "Efficiency", "WastedBytes", "UserSize" })
        {
            Assert.Equal(reference.Properties[figure].Value, measure.Properties[figure].Value);
        }
    }

    [RuntimeToolTheory("tar")]
    [MemberData(nameof(SparseWriters))]
    public void SparseFilesAreInvalidLayerNamingSparseInEveryReader(string writer)
    {
        var program = ForeignTars.SparseWriters.Single(w => w.Name == writer).Program;
        if (!ExternalTool.IsInstalled(program))
        {
            throw Skip.Because($"'{program}' is not installed (.ci/run installs it with apt-get)");
        }

        var tar = _images.Combine("sparse-" + writer + ".tar");
        ForeignTars.WriteSparse(writer, _images.Combine(), tar);
        var layout = _images.Combine("sparse-layout-" + writer);
        TestImages.Compose(layout, "s", new[] { TestImages.AddTarLayer(layout, File.ReadAllBytes(tar)) });
        TestImages.Compose(layout, "empty", Array.Empty<TestImages.Layer>());
        var image = $"oci:{layout}:s";
        using var host = new PowerShellHost();
        foreach (var command in new[]
        {
            $"Get-OciLayerItem {image} -Layer 0", $"Get-OciLayerItem {image} -Merged", $"Expand-OciImage {image} '{_images.Combine("sparse-x-" + writer)}'",
            $"Compare-OciImage oci:{layout}:empty {image} -Files", $"Measure-OciImage {image}",
        })
        {
            var error = Assert.Single(host.Run(command).Errors);
            Assert.StartsWith("InvalidLayer,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains("sparse", error.Exception.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>The module's items as <see cref="TarListing"/> lines.</summary>
    private static List<string> Lines(IEnumerable<PSObject> items) =>
        items.Select(i =>
        {
            string Text(string name) => i.Properties[name].Value?.ToString() ?? string.Empty;
            var type = Text("Type");
            var target = type == "HardLink" ? TarListing.Path(Text("LinkTarget")) : Text("LinkTarget");
            // Permissions as tar -v shows them (rwsr-xr-x for setuid) must say the same as OctalMode.
            Assert.Equal(Text("OctalMode"), TarListing.Mode("-" + Text("Permissions")));
            return TarListing.Line(type, Text("OctalMode"), Text("UserId") + ":" + Text("GroupId"), long.Parse(Text("Size")), Text("Path"), target);
        })
        .OrderBy(l => l, StringComparer.Ordinal)
        .ToList();
}
