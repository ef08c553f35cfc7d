using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Base;
using OciImage.Core.Errors;
using OciImage.Core.Layers;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A squash (Merge-OciLayer, Update-OciImageBase's squash) writes each kept entry again: what the entry's header
/// and PAX records carry must survive, or a squashed image loses file capabilities (ping, newuidmap), SELinux
/// labels and ACLs, and its /dev nodes become 0,0. Read back by our reader and by GNU tar.
/// </summary>
public sealed class SquashCarriesAttributesTests
{
    private static readonly byte[] Capability = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };

    private static byte[] Gzip(byte[] tar)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar, 0, tar.Length);
        }

        return output.ToArray();
    }

    private static RawTar WithXattrs(RawTar tar, params (string Name, byte[] Value)[] xattrs)
    {
        var data = new MemoryStream();
        foreach (var (name, value) in xattrs)
        {
            var record = RawTar.PaxRecord("SCHILY.xattr." + name, value);
            data.Write(record, 0, record.Length);
        }

        return tar.Header("PaxHeaders/entry", 'x', data.Length).Data(data.ToArray());
    }

    private static (MemoryStore Store, Model.Descriptor[] Layers) TwoLayers()
    {
        var lower = new RawTar()
            .Header("usr/", '5', mode: 0x1ED)
            .Header("usr/bin/", '5', mode: 0x1ED);
        WithXattrs(lower, ("security.capability", Capability), ("user.note", Encoding.UTF8.GetBytes("kept")));
        lower.File("usr/bin/ping", "#!/bin/true\n")
            .Header("dev/", '5', mode: 0x1ED)
            .Header("dev/null", '3', mode: 0x1B6, devMajor: 1, devMinor: 3)
            .Header("dev/sda", '4', mode: 0x1B0, devMajor: 8, devMinor: 1048575)
            .Header("dev/fifo", '6', mode: 0x1A4);
        WithXattrs(lower, ("security.selinux", Encoding.ASCII.GetBytes("system_u:object_r:etc_t:s0\0")));
        lower.Header("etc/", '5', mode: 0x1ED).End();

        var upper = new RawTar();
        WithXattrs(upper, ("user.binary", new byte[] { 0, 255, (byte)'=', (byte)'\n', 7 }));
        upper.File("etc/app.conf", "on\n").End();

        var store = new MemoryStore();
        var layers = new[] { lower, upper }.Select(t => store.Seed(Gzip(t.ToArray()), MediaTypes.OciLayerGzip)).ToArray();
        return (store, layers);
    }

    private static Dictionary<string, LayerItem> Read(string file)
    {
        using var stream = File.OpenRead(file);
        using var reader = new LayerReader(stream, "squashed", System.Threading.CancellationToken.None);
        return reader.Items(CancellationToken.None).ToDictionary(i => i.Path);
    }

    [Fact]
    public void ExtendedAttributesAndDeviceNumbersSurviveASquash()
    {
        var (store, layers) = TwoLayers();
        var result = LayerSquash.SquashAsync(store, layers, 0, overBase: false, "squash", CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            var items = Read(result.TempFile);
            Assert.Equal(Capability, items["usr/bin/ping"].Xattrs["security.capability"]);
            Assert.Equal("kept", Encoding.UTF8.GetString(items["usr/bin/ping"].Xattrs["user.note"]));
            Assert.Equal("system_u:object_r:etc_t:s0\0", Encoding.ASCII.GetString(items["etc"].Xattrs["security.selinux"]));
            Assert.Equal(new byte[] { 0, 255, (byte)'=', (byte)'\n', 7 }, items["etc/app.conf"].Xattrs["user.binary"]);
            Assert.Equal((EntryKind.CharacterDevice, 1L, 3L), (items["dev/null"].Type, items["dev/null"].DeviceMajor, items["dev/null"].DeviceMinor));
            Assert.Equal((EntryKind.BlockDevice, 8L, 1048575L), (items["dev/sda"].Type, items["dev/sda"].DeviceMajor, items["dev/sda"].DeviceMinor));
            Assert.Equal(0x1B6, items["dev/null"].Mode);
            Assert.Equal(EntryKind.Fifo, items["dev/fifo"].Type);
            Assert.Empty(items["usr/bin"].Xattrs);
            Assert.Equal("#!/bin/true\n", ReadFile(result.TempFile, "usr/bin/ping"));
        }
        finally
        {
            File.Delete(result.TempFile);
        }
    }

    [ToolFact("tar")]
    public void GnuTarReadsTheSquashedDevicesAndAttributes()
    {
        var (store, layers) = TwoLayers();
        var result = LayerSquash.SquashAsync(store, layers, 0, overBase: false, "squash", CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            var listing = ExternalTool.Run("tar", "--xattrs", "--xattrs-include=*", "-tvvzf", result.TempFile);
            Assert.Matches(@"(?m)^c\S+\s+0/0\s+1,3 .* dev/null$", listing);
            Assert.Matches(@"(?m)^b\S+\s+0/0\s+8,1048575 .* dev/sda$", listing);
            Assert.Matches(@"(?m)^p\S+ .* dev/fifo$", listing);
            Assert.Matches(@"(?m)^\s*x:\s+20 security\.capability$", listing);
            Assert.Matches(@"(?m)^\s*x:\s+27 security\.selinux$", listing);
        }
        finally
        {
            File.Delete(result.TempFile);
        }
    }

    [Fact]
    public void AnAttributeNameAPaxRecordCannotCarryIsRefusedNotWrittenWrong()
    {
        // bsdtar's LIBARCHIVE.xattr names are URL-encoded, so a read name can hold '=', which would end a SCHILY key.
        var tar = new RawTar();
        var record = RawTar.PaxRecord("LIBARCHIVE.xattr.user.a%3Db", Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[] { 1 })));
        tar.Header("PaxHeaders/entry", 'x', record.Length).Data(record).File("f", "x").End();
        var store = new MemoryStore();
        var layer = store.Seed(Gzip(tar.ToArray()), MediaTypes.OciLayerGzip);
        var error = Assert.Throws<InvalidLayerException>(() =>
            LayerSquash.SquashAsync(store, new[] { layer }, 0, overBase: false, "squash", CancellationToken.None).GetAwaiter().GetResult());
        Assert.Contains("extended attribute", error.Message);
    }

    private static string ReadFile(string file, string path)
    {
        using var stream = File.OpenRead(file);
        using var reader = new LayerReader(stream, "squashed", System.Threading.CancellationToken.None);
        foreach (var item in reader.Items(CancellationToken.None))
        {
            if (item.Path == path)
            {
                return new StreamReader(reader.Content).ReadToEnd();
            }
        }

        throw new InvalidOperationException(path + " is not in the squashed layer");
    }
}
