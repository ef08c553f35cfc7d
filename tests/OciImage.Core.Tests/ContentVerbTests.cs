using System.IO;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Stores;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;
using OciImage.Core.Layout;

namespace OciImage.Core.Tests;

/// <summary>
/// Get-OciContent's engine: the bytes of a file read out of a layer are checked against the content digest the
/// analysis pass computed, so a store that serves other bytes on the second read cannot slip them in.
/// </summary>
public sealed class ContentVerbTests
{
    [Fact]
    public async Task BytesThatChangeBetweenTheTwoReadsAreDigestMismatch()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        var honest = TestImages.AddTarLayer(layout, new HostileTar().File("etc/motd", "honest bytes").File("other", "x").ToArray());
        TestImages.Compose(layout, "t", new[] { honest });

        // The same tar with other bytes of the same length: only a check of the content itself can tell.
        var forged = new HostileTar().File("etc/motd", "forged bytes").File("other", "x").ToArray();
        using var store = new SwappingBlobStore(OciLayoutStore.Open(layout), Digest.Parse(honest.Digest), forged);
        var reference = Reference.ForLayout(layout, "t");

        var located = await ContentVerb.LocateAsync(store, reference, null, "/etc/motd", NullEngineLog.Instance, CancellationToken.None);
        var output = new MemoryStream();
        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => ContentVerb.CopyAsync(store, located, output, CancellationToken.None));
        Assert.Contains("/etc/motd", error.Message);
        Assert.Equal(2, store.Opened);

        // Served honestly, the same two reads give the file.
        using var plain = OciLayoutStore.Open(layout);
        located = await ContentVerb.LocateAsync(plain, reference, null, "etc/motd", NullEngineLog.Instance, CancellationToken.None);
        output = new MemoryStream();
        await ContentVerb.CopyAsync(plain, located, output, CancellationToken.None);
        Assert.Equal("honest bytes", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }
}
