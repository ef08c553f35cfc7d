using System;
using System.Formats.Tar;
using System.IO;
using System.IO.Compression;
using System.Threading;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Model;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A layer whose bytes were changed on the way (a tampering proxy, a damaged download) usually breaks its gzip or
/// its tar before its end is reached, where the digest is checked: the reader then reads the blob to its end and
/// reports the digest mismatch, the cause, not the damage it did. A layer whose digest holds but which does not
/// read stays InvalidLayer.
/// </summary>
public sealed class TamperedLayerTests
{
    /// <summary>
    /// A tar of a few text files of 64 KiB: compressible, so the gzip is Huffman-coded and changed bytes in it break
    /// the decoding (in stored blocks they would only change the data, which the digest alone would catch).
    /// </summary>
    private static byte[] Tar()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            var random = new Random(7);
            var words = new[] { "layer", "image", "digest", "manifest", "registry", "blob", "tar", "gzip", "config", "index" };
            for (var i = 0; i < 4; i++)
            {
                var text = new System.Text.StringBuilder();
                while (text.Length < 64 * 1024)
                {
                    text.Append(words[random.Next(words.Length)]).Append(random.Next(1000)).Append(random.Next(8) == 0 ? '\n' : ' ');
                }

                var content = System.Text.Encoding.ASCII.GetBytes(text.ToString(0, 64 * 1024));
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"dir/file{i}") { DataStream = new MemoryStream(content) });
            }
        }

        return tar.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data, 0, data.Length);
        }

        return output.ToArray();
    }

    private static Descriptor Describe(byte[] blob, string mediaType) => new() { MediaType = mediaType, Digest = Digest.Compute(blob), Size = blob.Length };

    /// <summary>The blob with bytes changed at a fraction of its length (the same length: only the digest tells).</summary>
    private static byte[] Tamper(byte[] blob, double at, int count = 16)
    {
        var changed = (byte[])blob.Clone();
        var start = (int)(blob.Length * at);
        for (var i = start; i < start + count; i++)
        {
            changed[i] ^= 0x5A;
        }

        return changed;
    }

    private static OciException Scan(byte[] bytes, Descriptor descriptor, bool hashContent) =>
        Assert.ThrowsAny<OciException>(() => LayerScanner.Scan(new VerifyingStream(new MemoryStream(bytes), descriptor, "blob under test"), 0, descriptor, hashContent, "layer 0", CancellationToken.None));

    [Theory]
    [InlineData(0.3, false)]
    [InlineData(0.3, true)]
    [InlineData(0.6, true)]
    public void AChangedGzipLayerIsADigestMismatchNotABrokenLayer(double at, bool hashContent)
    {
        var original = Gzip(Tar());
        var descriptor = Describe(original, MediaTypes.OciLayerGzip);
        var error = Scan(Tamper(original, at), descriptor, hashContent);
        Assert.Equal("DigestMismatch", error.ErrorId);
    }

    [Fact]
    public void AChangedTarHeaderIsADigestMismatchNotABrokenLayer()
    {
        var original = Tar();
        var descriptor = Describe(original, MediaTypes.OciLayer);

        // The second entry's header: its checksum no longer adds up.
        var header = (64 * 1024) + 1536;
        var error = Scan(Tamper(original, (double)header / original.Length, 8), descriptor, hashContent: false);
        Assert.Equal("DigestMismatch", error.ErrorId);
    }

    [Fact]
    public void ABrokenLayerWhoseDigestHoldsIsInvalid()
    {
        var broken = Tamper(Gzip(Tar()), 0.3);
        var error = Scan(broken, Describe(broken, MediaTypes.OciLayerGzip), hashContent: true);
        Assert.Equal("InvalidLayer", error.ErrorId);
    }
    [Fact]
    public void TheReadToABrokenLayersEndStopsWhenCancelled()
    {
        // The gzip breaks at once; the blob then trickles without end. Cancelling must end the read to its end
        // (which checks the digest) promptly, as a cancelled read: not run on for as long as the server likes.
        using var blob = new TricklingBrokenLayer();
        using var cancel = new CancellationTokenSource();
        // Test-OciImage -Deep's tar check reads the store's blob as it comes (the scanner's read-ahead would hide this).
        var scan = System.Threading.Tasks.Task.Run(() => OciImage.Core.Images.LayerTarCheck.Read(blob, 1L << 40, "layer 0", cancel.Token));
        try
        {
            Assert.True(blob.Trickling.WaitOne(TimeSpan.FromSeconds(30)), "the reader never got past the broken head");
            cancel.Cancel();
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var ended = ((IAsyncResult)scan).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10));
            Assert.True(ended, $"the read went on after cancellation ({blob.Trickled} bytes trickled)");
            Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            Assert.IsAssignableFrom<OperationCanceledException>(Assert.Throws<AggregateException>(() => scan.Wait()).InnerException);
        }
        finally
        {
            blob.Stop();
        }
    }
}
