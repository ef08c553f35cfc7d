using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.TestKit;
using Xunit;
using OciImage.Core.Layout;

namespace OciImage.Core.Tests;

public class LayerBuilderTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public void TheSameTreeGivesTheSameDigestWhereverItIsAndWhateverTheCoreCount()
    {
        using var temp = new TempDirectory();
        var first = SampleTrees.Make(temp.Combine("one"));
        var second = SampleTrees.Make(temp.Combine("elsewhere", "two"));
        File.SetLastWriteTimeUtc(Path.Combine(second, "app", "main.sh"), DateTime.UtcNow.AddDays(-3));

        var a = LayerBuilder.BuildIntoDirectory(first, new LayerBuildOptions { Parallelism = 1 }, temp.Combine("out1"), None);
        var b = LayerBuilder.BuildIntoDirectory(second, new LayerBuildOptions { Parallelism = 4 }, temp.Combine("out2"), None);
        Assert.Equal(a.Digest, b.Digest);
        Assert.Equal(a.DiffId, b.DiffId);
        Assert.Equal(a.Size, new FileInfo(a.BlobPath).Length);
        Assert.Equal(a.Digest, Digest.Compute(File.OpenRead(a.BlobPath)).Digest);
        Assert.Equal(MediaTypes.OciLayerGzip, a.MediaType);
        Assert.Equal(SampleTrees.FileCount, a.FileCount);
    }

    [Fact]
    public void ALayerGoesToAnyStoreThroughTheStoreContract()
    {
        // A store whose blobs are not files here (memory, like a registry) gets the blob through PutBlobAsync,
        // verified; a layout gets the same bytes renamed into blobs/sha256, with no temp file left in either.
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var memory = new MemoryStore(refusesIncompleteManifests: false);
        var inMemory = LayerBuilder.BuildIntoStore(tree, new LayerBuildOptions(), memory, None);
        Assert.Null(inMemory.BlobPath);
        Assert.Equal(new[] { $"blob {inMemory.Digest}" }, memory.Writes.ToArray());
        using (var stream = memory.OpenBlobAsync(new Model.Descriptor { MediaType = inMemory.MediaType, Digest = inMemory.Digest, Size = inMemory.Size }, None).GetAwaiter().GetResult())
        {
            Assert.Equal(inMemory.Digest, Digest.Compute(stream).Digest);
        }

        using var layout = Layout.OciLayoutStore.OpenOrCreate(temp.Combine("layout"));
        var inLayout = LayerBuilder.BuildIntoStore(tree, new LayerBuildOptions(), layout, None);
        Assert.Equal(inMemory.Digest, inLayout.Digest);
        Assert.Equal(layout.BlobPath(inLayout.Digest), inLayout.BlobPath);
        Assert.Equal(inLayout.Digest, Digest.Compute(File.OpenRead(inLayout.BlobPath!)).Digest);
        Assert.Empty(Directory.GetFiles(temp.Path, ".layer.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public void TheBlobIsMultiMemberGzipOfATarWhoseDigestIsTheDiffId()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"), bigFile: 9 * 1024 * 1024);
        var layer = LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions(), temp.Combine("out"), None);

        using var gzip = new GZipStream(File.OpenRead(layer.BlobPath), CompressionMode.Decompress);
        var tar = new MemoryStream();
        gzip.CopyTo(tar);
        Assert.Equal(layer.DiffId, Digest.Compute(tar.ToArray()));
        Assert.Equal(layer.TarSize, tar.Length);

        // The gzip header carries no name and no time.
        var head = File.ReadAllBytes(layer.BlobPath).Take(10).ToArray();
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff }, head);
    }

    [ToolFact("tar")]
    public void GnuTarReadsNamesModesOwnersAndTimes()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var layer = LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Destination = "/usr/share/site" }, temp.Combine("out"), None);
        var listing = ExternalTool.Run("tar", "--numeric-owner", "--full-time", "-tzvf", layer.BlobPath);
        var lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("usr/", Name(lines[0]));
        Assert.StartsWith("drwxr-xr-x 0/0", lines[0]);
        Assert.Contains(lines, l => Name(l) == "usr/share/site/app/main.sh" && l.StartsWith("-rwxr-xr-x 0/0"));
        Assert.Contains(lines, l => Name(l) == "usr/share/site/app/readme.txt" && l.StartsWith("-rw-r--r-- 0/0"));
        Assert.Contains(lines, l => Name(l).StartsWith("usr/share/site/app/link -> readme.txt", StringComparison.Ordinal));
        Assert.Contains(lines, l => Name(l) == "usr/share/site/empty/");
        Assert.Contains(lines, l => Name(l) == "usr/share/site/" + SampleTrees.LongName);
        Assert.Contains(lines, l => Name(l) == "usr/share/site/données/café.txt");
        Assert.All(lines, l => Assert.Contains("1970-01-01 00:00:00", l));
        var names = lines.Select(Name).ToList();
        Assert.Equal(names.OrderBy(n => n.Split(" -> ")[0].TrimEnd('/'), StringComparer.Ordinal), names);

        // GNU tar extracts the same bytes.
        var extracted = temp.Combine("x");
        Directory.CreateDirectory(extracted);
        ExternalTool.Run("tar", "-xzf", layer.BlobPath, "-C", extracted);
        Assert.Equal(File.ReadAllText(Path.Combine(tree, SampleTrees.LongName)), File.ReadAllText(Path.Combine(extracted, "usr/share/site", SampleTrees.LongName)));
    }

    [RuntimeToolFact("tar", "mkfifo", "mknod")]
    public void DevicesAndFifosAreEntriesOfTheirOwnNeverReadAndSocketsAreLeftOut()
    {
        // A root file system from debootstrap has /dev/zero, /dev/null and friends; reading one would never end.
        Assert.True(Core.IO.UnixFileStatus.IsAvailable, "the runtime's lstat binding was not found: special files would look like empty files");
        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "dev"));
        File.WriteAllText(Path.Combine(tree, "hello.txt"), "hello");
        ExternalTool.Run("mkfifo", Path.Combine(tree, "dev", "pipe"));
        var devices = ExternalTool.TryRun("mknod", Path.Combine(tree, "dev", "zero"), "c", "1", "5").ExitCode == 0
            && ExternalTool.TryRun("mknod", Path.Combine(tree, "dev", "loop9"), "b", "7", "9").ExitCode == 0;
        using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(tree, "dev", "log")));
        }

        var build = System.Threading.Tasks.Task.Run(() => LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions(), temp.Combine("out"), None));
        Assert.True(build.Wait(TimeSpan.FromSeconds(60)), "the build hung on a special file");
        var listing = ExternalTool.Run("tar", "--numeric-owner", "-tzvf", build.Result.BlobPath).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains(listing, l => Name(l) == "dev/pipe" && l.StartsWith("prw-r--r-- 0/0"));
        Assert.DoesNotContain(listing, l => Name(l).StartsWith("dev/log", StringComparison.Ordinal));
        Assert.Equal(1, build.Result.FileCount);
        if (!devices)
        {
            // Fifos and sockets were checked; the device half cannot be, and says so instead of passing with less.
            throw Skip.Because("mknod cannot make device nodes here (not root, or a container without CAP_MKNOD): devices in layers are untested");
        }

        Assert.Contains(listing, l => Name(l) == "dev/zero" && l.StartsWith("crw-r--r-- 0/0") && l.Contains(" 1,5 "));
        Assert.Contains(listing, l => Name(l) == "dev/loop9" && l.StartsWith("brw-r--r-- 0/0") && l.Contains(" 7,9 "));

        // Our own reader must read back what our writer wrote (SharpZipLib's ustar version field is " \0", not "00").
        using var blob = File.OpenRead(build.Result.BlobPath);
        using var reader = new LayerReader(blob, "built", System.Threading.CancellationToken.None);
        var items = reader.Items(default).ToDictionary(i => i.Path);
        Assert.Equal((1L, 5L), (items["dev/zero"].DeviceMajor, items["dev/zero"].DeviceMinor));
        Assert.Equal((7L, 9L), (items["dev/loop9"].DeviceMajor, items["dev/loop9"].DeviceMinor));
    }

    [Fact]
    public void ModesCanBeKeptOrForced()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        File.SetUnixFileMode(Path.Combine(tree, "app", "readme.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var kept = Entries(LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { PreserveMode = true, Compression = LayerCompression.None }, temp.Combine("a"), None).BlobPath);
        Assert.Equal(0x180, kept["app/readme.txt"].Mode & 0xFFF);

        var forced = Entries(LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { FileMode = 0x1A0, ExecutablePaths = new[] { "*.txt" }, Compression = LayerCompression.None }, temp.Combine("b"), None).BlobPath);
        Assert.Equal(0x1ED, forced["app/readme.txt"].Mode & 0xFFF);
        Assert.Equal(0x1A0, forced["app/main.sh"].Mode & 0xFFF);
    }

    [Fact]
    public void ZstdAndUncompressedLayersHoldTheSameTar()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"), bigFile: 5 * 1024 * 1024);
        var gzip = LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions(), temp.Combine("g"), None);
        var zstd = LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Compression = LayerCompression.Zstd }, temp.Combine("z"), None);
        var none = LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Compression = LayerCompression.None }, temp.Combine("n"), None);
        Assert.Equal(gzip.DiffId, zstd.DiffId);
        Assert.Equal(gzip.DiffId, none.DiffId);
        Assert.Equal(none.Digest, none.DiffId);
        Assert.Equal(MediaTypes.OciLayerZstd, zstd.MediaType);
        Assert.EndsWith(".tar.zst", zstd.BlobPath);

        using var decompress = new ZstdSharp.DecompressionStream(File.OpenRead(zstd.BlobPath));
        var tar = new MemoryStream();
        decompress.CopyTo(tar);
        Assert.Equal(zstd.DiffId, Digest.Compute(tar.ToArray()));
    }

    [Fact]
    public void IncludeAndExcludeGlobs()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var only = Entries(LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Include = new[] { "app/**" }, Compression = LayerCompression.None }, temp.Combine("a"), None).BlobPath);
        Assert.True(only.Keys.All(k => k == "app" || k.StartsWith("app/", StringComparison.Ordinal)), string.Join(",", only.Keys));
        var without = Entries(LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Exclude = new[] { "*.txt" }, Compression = LayerCompression.None }, temp.Combine("b"), None).BlobPath);
        Assert.DoesNotContain(without.Keys, k => k.EndsWith(".txt", StringComparison.Ordinal));
        Assert.Contains("app/main.sh", without.Keys);
    }

    [ToolFact("tar", "ln")]
    public void AFileWithSeveralNamesIsStoredOnceAndTheOtherNamesAreHardLinks()
    {
        using var temp = new TempDirectory();
        var tree = temp.Combine("tree");
        Directory.CreateDirectory(Path.Combine(tree, "bin"));
        var payload = new byte[200_000];
        new Random(5).NextBytes(payload);
        File.WriteAllBytes(Path.Combine(tree, "bin", "tool"), payload);
        ExternalTool.Run("ln", Path.Combine(tree, "bin", "tool"), Path.Combine(tree, "bin", "tool-alias"));
        ExternalTool.Run("ln", Path.Combine(tree, "bin", "tool"), Path.Combine(tree, "zz-last"));

        var layer = LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Destination = "/usr", Compression = LayerCompression.None }, temp.Combine("out"), None);
        var entries = Entries(layer.BlobPath);
        Assert.Equal(ICSharpCode.SharpZipLib.Tar.TarHeader.LF_NORMAL, entries["usr/bin/tool"].TypeFlag);
        Assert.Equal(ICSharpCode.SharpZipLib.Tar.TarHeader.LF_LINK, entries["usr/bin/tool-alias"].TypeFlag);
        Assert.Equal("usr/bin/tool", entries["usr/bin/tool-alias"].LinkName);
        Assert.Equal("usr/bin/tool", entries["usr/zz-last"].LinkName);
        Assert.Equal(1, layer.FileCount);
        Assert.True(layer.TarSize < 2 * payload.Length, $"the bytes were stored more than once: {layer.TarSize}");

        // GNU tar gives back three names of the same bytes.
        var extracted = temp.Combine("x");
        Directory.CreateDirectory(extracted);
        ExternalTool.Run("tar", "-xf", layer.BlobPath, "-C", extracted);
        Assert.Equal(payload, File.ReadAllBytes(Path.Combine(extracted, "usr", "zz-last")));

        // A link never points at a name the filters left out: the first name kept holds the bytes.
        var filtered = Entries(LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions { Exclude = new[] { "bin/tool" }, Compression = LayerCompression.None }, temp.Combine("f"), None).BlobPath);
        Assert.Equal(ICSharpCode.SharpZipLib.Tar.TarHeader.LF_NORMAL, filtered["bin/tool-alias"].TypeFlag);
        Assert.Equal("bin/tool-alias", filtered["zz-last"].LinkName);
    }

    [ToolFact("ln")]
    public void AgainstABaseAHardLinkChangesWithItsFileAndNeverNamesAFileOfALowerLayer()
    {
        using var temp = new TempDirectory();
        var old = temp.Combine("old");
        var now = temp.Combine("new");
        foreach (var root in new[] { old, now })
        {
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, "a.txt"), root == old ? "old bytes" : "new bytes");
            ExternalTool.Run("ln", Path.Combine(root, "a.txt"), Path.Combine(root, "b.txt"));
            File.WriteAllText(Path.Combine(root, "c.txt"), "same");
        }

        // New in this layer: a second name of c.txt, which itself is unchanged and stays in the lower layer.
        ExternalTool.Run("ln", Path.Combine(now, "c.txt"), Path.Combine(now, "d.txt"));

        var entries = Entries(LayerBuilder.BuildIntoDirectory(now, new LayerBuildOptions { BaseDirectory = old, Compression = LayerCompression.None }, temp.Combine("out"), None).BlobPath);
        Assert.Equal(new[] { "a.txt", "b.txt", "d.txt" }, entries.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(ICSharpCode.SharpZipLib.Tar.TarHeader.LF_LINK, entries["b.txt"].TypeFlag);
        Assert.Equal("a.txt", entries["b.txt"].LinkName);
        Assert.Equal(ICSharpCode.SharpZipLib.Tar.TarHeader.LF_NORMAL, entries["d.txt"].TypeFlag);
    }

    [Fact]
    public void ChangesAgainstABaseBecomeFilesAndWhiteouts()
    {
        using var temp = new TempDirectory();
        var old = SampleTrees.Make(temp.Combine("old"));
        var now = SampleTrees.Make(temp.Combine("new"));
        File.WriteAllText(Path.Combine(now, "app", "readme.txt"), "changed");
        File.WriteAllText(Path.Combine(now, "app", "added.txt"), "new file");
        File.Delete(Path.Combine(now, "app", "link"));
        Directory.Delete(Path.Combine(now, "données"), recursive: true);
        // config/ keeps its name but all its old content is replaced.
        Directory.CreateDirectory(Path.Combine(old, "config"));
        File.WriteAllText(Path.Combine(old, "config", "old.conf"), "x");
        Directory.CreateDirectory(Path.Combine(now, "config"));
        File.WriteAllText(Path.Combine(now, "config", "new.conf"), "y");

        // Explicit whiteouts by default, as the image spec says writers SHOULD; the opaque marker when asked.
        var layer = LayerBuilder.BuildIntoDirectory(now, new LayerBuildOptions { BaseDirectory = old, Compression = LayerCompression.None }, temp.Combine("out"), None);
        var entries = Entries(layer.BlobPath);
        Assert.Equal(new[] { "app", "app/.wh.link", "app/added.txt", "app/readme.txt", ".wh.données", "config", "config/.wh.old.conf", "config/new.conf" }.OrderBy(x => x, StringComparer.Ordinal),
            entries.Keys.OrderBy(x => x, StringComparer.Ordinal));

        var opaque = LayerBuilder.BuildIntoDirectory(now, new LayerBuildOptions { BaseDirectory = old, Compression = LayerCompression.None, OpaqueWhiteouts = true }, temp.Combine("out-opaque"), None);
        Assert.Equal(new[] { "app", "app/.wh.link", "app/added.txt", "app/readme.txt", ".wh.données", "config", "config/.wh..wh..opq", "config/new.conf" }.OrderBy(x => x, StringComparer.Ordinal),
            Entries(opaque.BlobPath).Keys.OrderBy(x => x, StringComparer.Ordinal));
    }

    [Fact]
    public void BadSourcesAreClearErrorsAndLeaveNothingBehind()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        Assert.Equal("DirectoryNotFound", Assert.Throws<DirectoryNotFoundOciException>(() => LayerBuilder.BuildIntoDirectory(temp.Combine("missing"), new LayerBuildOptions(), output, None)).ErrorId);
        File.WriteAllText(temp.Combine("file"), "x");
        Assert.Equal("NotADirectory", Assert.Throws<NotADirectoryException>(() => LayerBuilder.BuildIntoDirectory(temp.Combine("file"), new LayerBuildOptions(), output, None)).ErrorId);
        Assert.Equal("UnknownCompression", Assert.Throws<UnknownCompressionException>(() => Compressions.Parse("brotli")).ErrorId);

        var tree = SampleTrees.Make(temp.Combine("tree"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => LayerBuilder.BuildIntoDirectory(tree, new LayerBuildOptions(), output, cancelled.Token));
        Assert.Empty(Directory.GetFiles(output));
    }

    private static string Name(string line)
    {
        // "mode owner size date time name"
        var parts = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        return parts[^1];
    }

    private static Dictionary<string, ICSharpCode.SharpZipLib.Tar.TarHeader> Entries(string? tarPath)
    {
        var result = new Dictionary<string, ICSharpCode.SharpZipLib.Tar.TarHeader>(StringComparer.Ordinal);
        using var input = new ICSharpCode.SharpZipLib.Tar.TarInputStream(File.OpenRead(tarPath!), Encoding.UTF8);
        ICSharpCode.SharpZipLib.Tar.TarEntry? entry;
        while ((entry = input.GetNextEntry()) is not null)
        {
            result[entry.Name.TrimEnd('/')] = entry.TarHeader;
        }

        return result;
    }
}
