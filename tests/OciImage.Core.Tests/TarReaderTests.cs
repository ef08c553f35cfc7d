using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.Core.Layers.Tar;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// The module's tar reader on tars other tools wrote (GNU tar in pax and gnu formats, Python's tarfile, busybox),
/// each checked against Python's tarfile reading the same bytes, and on hand-built bytes for what tools rarely
/// write: chained GNU headers, global PAX records, base-256 numbers, sparse files, bombs, damage, truncation.
/// </summary>
public sealed class TarReaderTests
{
    private static readonly string LongFile = "dir/" + new string('x', 150) + ".txt";
    private static readonly string LongTarget = "/" + new string('t', 150);

    [ToolTheory("tar", "python3")]
    [InlineData("pax")]
    [InlineData("gnu")]
    public void GnuTarLongNamesLinksAndBigOwnersReadAsTarfileReadsThem(string format)
    {
        using var temp = new TempDirectory();
        var tar = GnuTar(temp, format);
        var entries = AgreeWithTarfile(tar);

        var file = entries.Single(e => e.Name == "./" + LongFile);
        Assert.Equal(TarTypeFlag.Regular, file.TypeFlag);
        Assert.Equal(6, file.Size);
        var link = entries.Single(e => e.Name == "./link");
        Assert.Equal(TarTypeFlag.Symlink, link.TypeFlag);
        Assert.Equal(LongTarget, link.LinkName);
        var hard = entries.Single(e => e.Name == "./hard");
        Assert.Equal(TarTypeFlag.HardLink, hard.TypeFlag);
        Assert.Equal("./" + LongFile, hard.LinkName);
        Assert.All(entries, e => Assert.Equal((3000000L, 3000001L, "big", "grp"), (e.UserId, e.GroupId, e.UserName, e.GroupName)));
        if (format == "pax")
        {
            // GNU tar's pax format records mtime to the nanosecond: the fraction is kept.
            Assert.Contains(entries, e => e.ModTime.Ticks % TimeSpan.TicksPerSecond != 0);
        }
    }

    [ToolFact("python3")]
    public void PythonTarfilePaxWithXattrsGlobalRecordsAndFractions()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("py.tar");
        Python($$"""
            import tarfile, io, base64
            t = tarfile.open(r'{{path}}', 'w', format=tarfile.PAX_FORMAT, pax_headers={'uname': 'globaluser', 'comment': 'g'})
            def add(name, data=b'', **kw):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                for k, v in kw.items(): setattr(info, k, v)
                t.addfile(info, io.BytesIO(data))
            add('a.txt', b'hello', mtime=1700000000.25, uid=3000000, gid=4294967294, uname='',
                pax_headers={'SCHILY.xattr.user.note': 'hi', 'LIBARCHIVE.xattr.user.b%20x': base64.b64encode(b'\x00\x01bin').decode().rstrip('=')})
            add('b.txt', b'bye', uname='own')
            add('l' * 120, type=tarfile.SYMTYPE, linkname='z' * 200)
            t.close()
            """);
        var entries = AgreeWithTarfile(File.ReadAllBytes(path));

        var a = entries.Single(e => e.Name == "a.txt");
        Assert.Equal(new DateTime(2023, 11, 14, 22, 13, 20, 250, DateTimeKind.Utc), a.ModTime);
        Assert.Equal((3000000L, 4294967294L), (a.UserId, a.GroupId));
        Assert.Equal("hi", Encoding.UTF8.GetString(a.Xattrs["user.note"]));
        Assert.Equal(new byte[] { 0, 1, (byte)'b', (byte)'i', (byte)'n' }, a.Xattrs["user.b x"]);

        // The global record names the owner of every entry whose own records do not.
        Assert.Equal("globaluser", entries.Single(e => e.Name == "b.txt").UserName);
        Assert.Equal(new string('z', 200), entries.Single(e => e.Name == new string('l', 120)).LinkName);
    }

    [ToolFact("python3")]
    public void PythonTarfileGnuFormat()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("gnu.tar");
        Python($$"""
            import tarfile, io
            t = tarfile.open(r'{{path}}', 'w', format=tarfile.GNU_FORMAT)
            i = tarfile.TarInfo('n' * 300); i.size = 2; i.uid = 3000000; i.mtime = 2**34
            t.addfile(i, io.BytesIO(b'hi'))
            i = tarfile.TarInfo('k'); i.type = tarfile.LNKTYPE; i.linkname = 'n' * 300
            t.addfile(i)
            t.close()
            """);
        var entries = AgreeWithTarfile(File.ReadAllBytes(path));
        Assert.Equal(new string('n', 300), entries[1].LinkName);
        Assert.Equal(3000000, entries[0].UserId);
    }

    [ToolFact("busybox", "python3")]
    public void BusyboxTarLongNames()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("src");
        Directory.CreateDirectory(Path.Combine(source, "dir"));
        File.WriteAllText(Path.Combine(source, LongFile), "hello\n");
        File.CreateSymbolicLink(Path.Combine(source, "link"), LongTarget);
        ExternalTool.Run("busybox", "tar", "-cf", temp.Combine("bb.tar"), "-C", source, ".");
        var entries = AgreeWithTarfile(File.ReadAllBytes(temp.Combine("bb.tar")));
        Assert.Contains(entries, e => e.Name.EndsWith(LongFile, StringComparison.Ordinal));
        Assert.Equal(LongTarget, entries.Single(e => e.Name.EndsWith("link", StringComparison.Ordinal)).LinkName);
    }

    [ToolTheory("tar")]
    [InlineData("pax")]
    [InlineData("gnu")]
    public void GnuTarSparseFilesAreRefusedByName(string format)
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("src");
        Directory.CreateDirectory(source);
        using (var file = File.Create(Path.Combine(source, "sparse")))
        {
            file.Seek(400_000, SeekOrigin.Begin);
            file.Write(new byte[4096].Select(_ => (byte)1).ToArray());
        }

        ExternalTool.Run("tar", "--sparse", "--format=" + format, "-cf", temp.Combine("s.tar"), "-C", source, ".");
        var error = Assert.Throws<InvalidLayerException>(() => ReadAll(File.ReadAllBytes(temp.Combine("s.tar"))));
        Assert.Contains("sparse", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("KL")]
    [InlineData("LK")]
    public void ChainedGnuLongLinkAndLongNameApplyToTheNextEntry(string order)
    {
        var name = "name/" + new string('n', 200);
        var link = "link/" + new string('k', 200);
        var tar = new RawTar();
        foreach (var type in order)
        {
            tar.LongName(type, type == 'L' ? name : link);
        }

        var entries = ReadAll(tar.Header("short", '2', link: "short-link", format: "gnu").File("after", "x").End().ToArray());
        Assert.Equal(2, entries.Count); // no ././@LongLink entry
        Assert.Equal((name, link), (entries[0].Name, entries[0].LinkName));
        Assert.Equal(("after", string.Empty), (entries[1].Name, entries[1].LinkName));
    }

    [Fact]
    public void GlobalRecordsApplyToLaterEntriesAndLocalOnesOverrideForOne()
    {
        var tar = new RawTar()
            .Pax('g', ("uid", "3000000"), ("uname", "global"), ("mtime", "1.5"))
            .Pax('x', ("uid", "7"), ("path", "local-name"), ("uname", ""))
            .File("first", "1")
            .File("second", "2")
            .Pax('g', ("uid", ""))
            .File("third", "3", uid: 9)
            .End();
        var entries = ReadAll(tar.ToArray());
        Assert.Equal(3, entries.Count); // neither header is an entry
        Assert.Equal(("local-name", 7L, string.Empty), (entries[0].Name, entries[0].UserId, entries[0].UserName));
        Assert.Equal(("second", 3000000L, "global"), (entries[1].Name, entries[1].UserId, entries[1].UserName));
        Assert.Equal(new DateTime(1970, 1, 1, 0, 0, 1, 500, DateTimeKind.Utc), entries[1].ModTime);

        // An empty global value deletes the record: the header's own uid is back.
        Assert.Equal(("third", 9L, "global"), (entries[2].Name, entries[2].UserId, entries[2].UserName));
    }

    [Fact]
    public void Base256FieldsAreRead()
    {
        var content = new byte[1000];
        var tar = new RawTar()
            .Header("big", '0', content.Length, uid: 3000000, gid: 1L << 40, mtime: -1, base256: new[] { "size", "uid", "gid", "mtime" }, format: "gnu")
            .Data(content)
            .File("after", "x")
            .End();
        var entries = ReadAll(tar.ToArray());
        Assert.Equal((1000L, 3000000L, 1L << 40), (entries[0].Size, entries[0].UserId, entries[0].GroupId));
        Assert.Equal(new DateTime(1969, 12, 31, 23, 59, 59, DateTimeKind.Utc), entries[0].ModTime);
        Assert.Equal("after", entries[1].Name);
    }

    [Fact]
    public void UstarPrefixAndOldGnuSparseTypeAndPaxSparseRecords()
    {
        var prefixed = ReadAll(new RawTar().Header("name.txt", '0', prefix: "some/prefix").End().ToArray());
        Assert.Equal("some/prefix/name.txt", Assert.Single(prefixed).Name);

        var old = Assert.Throws<InvalidLayerException>(() => ReadAll(new RawTar().Header("s", 'S', 0, format: "gnu").End().ToArray()));
        Assert.Contains("sparse", old.Message, StringComparison.Ordinal);
        var pax = Assert.Throws<InvalidLayerException>(() => ReadAll(new RawTar().Pax('x', ("GNU.sparse.map", "0,1")).File("s", "x").End().ToArray()));
        Assert.Contains("sparse", pax.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Bombs => new() { nameof(TarHeaderBombs.OversizeLongName), nameof(TarHeaderBombs.OversizeLongLink), nameof(TarHeaderBombs.OversizePax) };

    /// <summary>A special header over 1 MiB is refused from its declared size: one header block read, nothing of its data buffered.</summary>
    [Theory]
    [MemberData(nameof(Bombs))]
    public void OversizeSpecialHeadersAreRefusedBeforeTheyAreRead(string bomb)
    {
        var bytes = (byte[])typeof(TarHeaderBombs).GetMethod(bomb)!.Invoke(null, null)!;
        var input = new MemoryStream(bytes);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidLayerException>(() => Read(input, _ => { }));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Contains("more than the 1048576 allowed", error.Message, StringComparison.Ordinal);
        Assert.Equal(512, input.Position);
        Assert.True(allocated < 512 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public void EndlessAndPilingPaxHeadersAreRefused()
    {
        var endless = Assert.Throws<InvalidLayerException>(() => ReadAll(TarHeaderBombs.EndlessPax()));
        Assert.Contains("extended headers", endless.Message, StringComparison.Ordinal);
        var piling = Assert.Throws<InvalidLayerException>(() => ReadAll(TarHeaderBombs.PilingGlobalPax()));
        Assert.Contains("global PAX records", piling.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadChecksumsAndStrayDataAfterAZeroBlockAreRefused()
    {
        var bad = Assert.Throws<InvalidLayerException>(() => ReadAll(new RawTar().Header("a", '0', checksumDelta: 1).End().ToArray()));
        Assert.Contains("checksum", bad.Message, StringComparison.Ordinal);

        var stray = new RawTar().File("a", "x").Data(new byte[512]).File("b", "y").ToArray();
        Assert.Contains("zero block", Assert.Throws<InvalidLayerException>(() => ReadAll(stray)).Message, StringComparison.Ordinal);

        // An archive without its end marker ends where its input does, between entries.
        Assert.Single(ReadAll(new RawTar().File("a", "x").ToArray()));
    }

    [Theory]
    [InlineData(100)] // in the first header
    [InlineData(700)] // in the PAX header's data
    [InlineData(1100)] // in the entry's header
    [InlineData(1600)] // in the entry's content
    public void TruncatedInputIsAClearError(int cut)
    {
        var whole = new RawTar().Pax('x', ("path", new string('p', 300))).File("f", new string('c', 2000)).End().ToArray();
        var error = Assert.Throws<InvalidLayerException>(() => ReadAll(whole.Take(cut).ToArray()));
        Assert.Contains("ends in the middle", error.Message, StringComparison.Ordinal);
    }

    /// <summary>umoci ends its layers right after the last entry's content, without padding or end blocks; Go reads that as the end.</summary>
    [Fact]
    public void ALastEntryWithoutPaddingEndsTheArchive()
    {
        var tar = new RawTar().File("a", "x").Header("b", '0', 3).Data(Encoding.ASCII.GetBytes("hi\n"), pad: false).ToArray();
        var entries = ReadAll(tar);
        Assert.Equal(new[] { "a", "b" }, entries.Select(e => e.Name));

        // Part of the padding there and then the end: damage, not a writer's habit.
        var cut = tar.Concat(new byte[10]).ToArray();
        Assert.Contains("padding", Assert.Throws<InvalidLayerException>(() => ReadAll(cut)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderOnlyTypesCarryNoContentWhateverTheirSize()
    {
        // Go's rule: a link, directory or device has no data even when its size field says otherwise.
        var entries = ReadAll(new RawTar().Header("l", '2', 5000, link: "t").File("after", "x").End().ToArray());
        Assert.Equal((0L, "after"), (entries[0].Size, entries[1].Name));
    }

    [Fact]
    public void TheLayerReaderCarriesFullLinksBigOwnersAndXattrs()
    {
        var tar = new RawTar()
            .Pax('x', ("linkpath", LongTarget), ("uid", "3000000"), ("gid", "4294967295"), ("SCHILY.xattr.security.capability", "cap"))
            .Header("link", '2')
            .End();
        using var reader = new LayerReader(new MemoryStream(tar.ToArray()), "test", System.Threading.CancellationToken.None);
        var item = Assert.Single(reader.Items(default));
        Assert.Equal((LongTarget, 3000000L, 4294967295L), (item.LinkTarget, item.UserId, item.GroupId));
        Assert.Equal("cap", Encoding.UTF8.GetString(item.Xattrs["security.capability"]));
    }

    private static List<TarHeader> ReadAll(byte[] tar) => Read(new MemoryStream(tar), content => content.CopyTo(Stream.Null));

    private static List<TarHeader> Read(Stream input, Action<Stream> eachContent)
    {
        using var reader = new TarReader(input, reason => new InvalidLayerException("the test tar", reason), leaveOpen: true);
        var entries = new List<TarHeader>();
        while (reader.Next() is { } header)
        {
            eachContent(reader.Content);
            entries.Add(header);
        }

        return entries;
    }

    /// <summary>The entries, after checking every field against Python's tarfile reading the same bytes.</summary>
    private static List<TarHeader> AgreeWithTarfile(byte[] tar)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("x.tar");
        File.WriteAllBytes(path, tar);
        var listing = Python($$"""
            import tarfile, json
            out = []
            for m in tarfile.open(r'{{path}}'):
                out.append([m.name, m.linkname, m.type.decode(), m.size, m.uid, m.gid, m.uname, m.gname, m.mtime])
            print(json.dumps(out))
            """);
        var expected = JsonDocument.Parse(listing).RootElement.EnumerateArray().ToList();
        var entries = ReadAll(tar);
        Assert.Equal(expected.Count, entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var x = expected[i];
            Assert.Equal(x[0].GetString()!.TrimEnd('/'), e.Name.TrimEnd('/'));
            Assert.Equal(x[1].GetString(), e.LinkName);
            Assert.Equal(x[2].GetString()![0], (char)e.TypeFlag);
            Assert.Equal(x[3].GetInt64(), e.Size);
            Assert.Equal((x[4].GetInt64(), x[5].GetInt64()), (e.UserId, e.GroupId));
            Assert.Equal((x[6].GetString(), x[7].GetString()), (e.UserName, e.GroupName));
            // Within 10 µs: DateTime keeps 100 ns ticks and Python a double, so rounding to a fixed number of places can straddle a boundary.
            Assert.Equal(x[8].GetDouble(), (e.ModTime - DateTime.UnixEpoch).TotalSeconds, 0.00001);
        }

        return entries;
    }

    private static byte[] GnuTar(TempDirectory temp, string format)
    {
        var source = temp.Combine("src");
        Directory.CreateDirectory(Path.Combine(source, "dir"));
        File.WriteAllText(Path.Combine(source, LongFile), "hello\n");
        File.CreateSymbolicLink(Path.Combine(source, "link"), LongTarget);
        ExternalTool.Run("ln", Path.Combine(source, LongFile), Path.Combine(source, "hard"));
        File.WriteAllText(Path.Combine(source, "plain.txt"), "plain\n");
        var tar = temp.Combine(format + ".tar");
        ExternalTool.Run("tar", "--format=" + format, "--owner=big:3000000", "--group=grp:3000001", "--sort=name", "-cf", tar, "-C", source, ".");
        return File.ReadAllBytes(tar);
    }

    private static string Python(string script)
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("script.py");
        File.WriteAllText(file, script);
        return ExternalTool.Run("python3", file);
    }
}
