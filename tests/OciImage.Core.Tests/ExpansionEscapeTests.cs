using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// An expansion never reaches outside its target through a link, whatever the order of entries and layers: the
/// hostile layers of <see cref="LinkEscapeLayers"/> aim at a host folder whose every mode, time, name and content
/// is compared before and after.
/// </summary>
public class ExpansionEscapeTests
{
    private static readonly DateTime HostTime = new(2011, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void NamedCasesChangeNothingOutside()
    {
        using var temp = new TempDirectory();
        var outside = MakeOutside(temp);
        var before = Snapshot(outside);
        var n = 0;
        foreach (var hostile in LinkEscapeLayers.Named(outside))
        {
            Expand(temp.Combine("root" + n++), hostile);
            Assert.True(before.SequenceEqual(Snapshot(outside)), $"{hostile.Name} changed {outside}:\n{Diff(before, Snapshot(outside))}");
        }

        Assert.True(n >= 15);
    }

    [Fact]
    public void EveryOrderOfEntriesAndLayersChangesNothingOutside()
    {
        using var temp = new TempDirectory();
        var outside = MakeOutside(temp);
        var before = Snapshot(outside);
        var n = 0;
        foreach (var (name, entries) in LinkEscapeLayers.PermutedSets(outside))
        {
            foreach (var hostile in LinkEscapeLayers.EveryOrder(name, entries))
            {
                var root = temp.Combine("root");
                Expand(root, hostile);
                Assert.True(before.SequenceEqual(Snapshot(outside)), $"{hostile.Name} changed {outside}:\n{Diff(before, Snapshot(outside))}");
                ClaimedFolder.DeleteTree(root);
                n++;
            }
        }

        Assert.Equal((120 * 16) + (3 * 24 * 8), n);
    }

    /// <summary>The example end to end: Expand-OciImage's engine, a layout, one layer and two.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task TheDirectoryThenLinkExampleLeavesTheHostDirectoryAlone(int layers)
    {
        using var temp = new TempDirectory();
        var outside = MakeOutside(temp);
        var before = Snapshot(outside);
        var layout = temp.Combine("layout");
        var tars = layers == 1
            ? new[] { new HostileTar().Directory("evil/", LinkEscapeLayers.AllBits).Symlink("evil", outside).ToArray() }
            : new[] { new HostileTar().Directory("evil/", LinkEscapeLayers.AllBits).ToArray(), new HostileTar().Symlink("evil", outside).ToArray() };
        TestImages.Compose(layout, "evil", tars.Select(t => TestImages.AddTarLayer(layout, t)).ToList());
        using var store = OciLayoutStore.Open(layout);
        var manifest = (ImageManifest)await store.GetManifestAsync(Reference.ForLayout(layout, "evil"), CancellationToken.None);

        await ImageExpander.ExpandAsync(store, manifest, temp.Combine("rootfs"), null, NullEngineLog.Instance, CancellationToken.None);

        Assert.Equal(before, Snapshot(outside));
        Assert.Equal(outside, new FileInfo(temp.Combine("rootfs", "evil")).LinkTarget);
    }

    [Fact]
    public void DirectoryModesAndTimesStillReachTheDirectoriesThemselves()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("root");
        Expand(root, new LinkEscapeLayers.Case("modes", new[]
        {
            new HostileTar().Directory("a/", 0x1E8).Directory("a/b/", 0x1C0).File("a/b/f", "x").Directory("gone/", 0x1C0).ToArray(),
            new HostileTar().Directory("a/", 0x1ED).Whiteout("gone").File("gone/x", "x").ToArray(),
        }));

        Assert.Equal(0x1ED, UnixFileSystem.GetPermissions(Path.Combine(root, "a"))); // the later entry wins
        Assert.Equal(0x1C0, UnixFileSystem.GetPermissions(Path.Combine(root, "a", "b")));
        Assert.Equal(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), Directory.GetLastWriteTimeUtc(Path.Combine(root, "a", "b")));

        // "gone" was whited out, then made again by a file below it: the old record does not come back to it.
        Assert.NotEqual(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), Directory.GetLastWriteTimeUtc(Path.Combine(root, "gone")));
    }

    /// <summary>A record whose path now leads through a link (the extractor never said it was removed) is skipped by its identity.</summary>
    [Theory]
    [InlineData("the directory itself")]
    [InlineData("a parent")]
    public void ARecordIsAppliedOnlyToTheDirectoryItWasMadeFor(string replaced)
    {
        using var temp = new TempDirectory();
        var outside = MakeOutside(temp);
        var before = Snapshot(outside);
        var root = temp.Combine("root");
        var a = Path.Combine(root, "a");
        Directory.CreateDirectory(Path.Combine(a, "b"));
        var metadata = new EntryMetadata();
        var item = new LayerItem("x", "x", EntryKind.Directory, 0, LinkEscapeLayers.AllBits, null, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), 0, 0);
        var recorded = replaced == "a parent" ? Path.Combine(a, "b") : a;
        metadata.Defer(recorded, item);

        Directory.Delete(a, recursive: true);
        File.CreateSymbolicLink(a, replaced == "a parent" ? outside : Path.Combine(outside, "b"));
        metadata.ApplyDeferred();

        Assert.Equal(before, Snapshot(outside));
        Assert.Equal((0, 1), (metadata.Applied, metadata.Skipped));
    }

    [Fact]
    public void RemovingAPathDropsTheRecordsBelowIt()
    {
        using var temp = new TempDirectory();
        var metadata = new EntryMetadata();
        var item = new LayerItem("x", "x", EntryKind.Directory, 0, 0x1C0, null, DateTime.UnixEpoch, 0, 0);
        foreach (var path in new[] { "a", "a/b", "a/b/c", "ab", "a0" })
        {
            Directory.CreateDirectory(temp.Combine(path));
            metadata.Defer(temp.Combine(path), item);
        }

        metadata.Forget(temp.Combine("a", "b"));
        metadata.ApplyDeferred();

        // a/b and a/b/c were dropped before they were looked at; "a", "ab" and "a0" (siblings that sort near) were applied.
        Assert.Equal((3, 0), (metadata.Applied, metadata.Skipped));
        Assert.Equal(0x1C0, UnixFileSystem.GetPermissions(temp.Combine("a0")));
        Assert.NotEqual(0x1C0, UnixFileSystem.GetPermissions(temp.Combine("a", "b")));
    }

    internal static void Expand(string root, LinkEscapeLayers.Case hostile)
    {
        Directory.CreateDirectory(root);
        var extractor = new LayerExtractor(root, 1L << 30, NullEngineLog.Instance);
        try
        {
            foreach (var tar in hostile.Layers)
            {
                using var reader = new LayerReader(new MemoryStream(tar), "layer", System.Threading.CancellationToken.None);
                extractor.Apply(reader, CancellationToken.None);
            }

            extractor.Finish();
        }
        catch (UnsafeLayerEntryException)
        {
            // Refusing is a right answer too; what matters is the host folder.
        }
    }

    /// <summary>The host folder a hostile layer aims at: mode 0700, a file "secret" (0600), a folder "b" (0750), all dated 2011.</summary>
    internal static string MakeOutside(TempDirectory temp)
    {
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(Path.Combine(outside, "b"));
        File.WriteAllText(Path.Combine(outside, "secret"), "untouched");
        File.SetUnixFileMode(Path.Combine(outside, "secret"), (UnixFileMode)0x180);
        File.SetUnixFileMode(Path.Combine(outside, "b"), (UnixFileMode)0x1E8);
        File.SetUnixFileMode(outside, (UnixFileMode)0x1C0);
        foreach (var path in new[] { Path.Combine(outside, "secret"), Path.Combine(outside, "b"), outside })
        {
            File.SetLastWriteTimeUtc(path, HostTime);
        }

        return outside;
    }

    /// <summary>Every name under and including <paramref name="folder"/>: type, mode, time and content.</summary>
    internal static List<string> Snapshot(string folder)
    {
        var lines = new List<string>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            var status = UnixFileStatus.Of(path)!;
            var info = status.Type == UnixFileType.Directory ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path);
            var content = status.Type == UnixFileType.Regular ? File.ReadAllText(path) : string.Empty;
            lines.Add($"{Path.GetRelativePath(folder, path)} {status.Type} {Convert.ToString(status.Permissions, 8)} {info.LastWriteTimeUtc:O} {content}");
            if (status.Type == UnixFileType.Directory)
            {
                foreach (var child in Directory.EnumerateFileSystemEntries(path).OrderBy(c => c, StringComparer.Ordinal))
                {
                    pending.Push(child);
                }
            }
        }

        return lines;
    }

    private static string Diff(List<string> before, List<string> after) =>
        string.Join("\n", before.Except(after).Select(l => "- " + l).Concat(after.Except(before).Select(l => "+ " + l)));
}
