using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Runs alone: it counts the process's read-ahead threads, which other tests' scans would change.</summary>
[CollectionDefinition(nameof(ReadAheadThreads), DisableParallelization = true)]
public class ReadAheadThreads
{
}

/// <summary>
/// A layer scan reads its blob through the read-ahead pipe (the blob and its digest on one thread, decompression
/// and the tar on the other): an error in either stage is the layer's error with its ErrorId, a cancellation
/// ends the scan even when a read is stuck, and no thread is left behind. The analysis starts the largest layers
/// first and still reports them in order.
/// </summary>
[Collection(nameof(ReadAheadThreads))]
public sealed class LayerScanPipeTests : IDisposable
{
    private readonly TempDirectory _temp = new("scanpipe");
    private readonly int _before = ReadAheadStream.Running;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ADigestMismatchFoundByTheReadingThreadIsTheScansError()
    {
        var blob = ZstdFrames.Plain();
        var wrong = new Descriptor { MediaType = MediaTypes.OciLayerZstd, Digest = Digest.Compute(new byte[] { 1 }), Size = blob.Length };
        var verified = new VerifyingStream(new MemoryStream(blob), wrong, "blob under test");

        var error = Assert.Throws<DigestMismatchException>(() => LayerScanner.Scan(verified, 0, wrong, hashContent: false, "layer 0", CancellationToken.None));
        Assert.Equal("DigestMismatch", error.ErrorId);
        NoThreadLeft();
    }

    [Fact]
    public void ACorruptLayerStopsTheThreadThatIsStillReading()
    {
        // Corrupt zstd, then a blob that never ends: only the decompressing side can stop, and the reading one must follow.
        var endless = new ReadAheadStreamTests.EndlessStream();
        var blob = new ConcatStream(new MemoryStream(ZstdFrames.CorruptBlock()), endless);

        var error = Assert.Throws<InvalidLayerException>(() => LayerScanner.Scan(blob, 0, Describe(ZstdFrames.CorruptBlock()), hashContent: false, "layer 0", CancellationToken.None));
        Assert.Equal("InvalidLayer", error.ErrorId);
        NoThreadLeft();
        Assert.True(endless.Disposed);
    }

    [Fact]
    public void CancellingAScanWhoseReadIsStuckEndsItAndTheThreadFollowsWhenTheReadReturns()
    {
        var blob = ZstdFrames.Plain();
        using var stuck = new ReadAheadStreamTests.StuckStream(prefix: 200, content: blob);
        using var cancel = new CancellationTokenSource();
        cancel.CancelAfter(200);
        var scan = Task.Run(() => LayerScanner.Scan(stuck, 0, Describe(blob), hashContent: false, "layer 0", cancel.Token));
        try
        {
            // Without the pipe the scan would wait in the stuck read for as long as it lasts.
            Assert.True(((IAsyncResult)scan).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "the scan did not stop when cancelled");
        }
        finally
        {
            stuck.Release();
        }

        Assert.ThrowsAny<OperationCanceledException>(() => scan.GetAwaiter().GetResult());
        NoThreadLeft();
        Assert.True(stuck.Disposed);
    }

    [Fact]
    public void AScanThatEndsLeavesNoThread()
    {
        var blob = ZstdFrames.Plain();
        var layer = LayerScanner.Scan(new MemoryStream(blob), 0, Describe(blob), hashContent: true, "layer 0", CancellationToken.None);

        Assert.Equal(new[] { "etc/hostname", "usr/share/words", "z" }, layer.Entries.Select(e => e.Path));
        NoThreadLeft();
    }

    [Fact]
    public void TheLargestLayersAreReadFirstAndReportedInOrder()
    {
        var layout = _temp.Combine("layout");
        var sizes = new[] { 3, 40, 1, 200, 40 };
        var layers = sizes.Select((kb, i) => TestImages.AddTarLayer(layout, new RawTar().File($"layer{i}/data", new string('x', kb * 1000)).End().ToArray())).ToList();
        TestImages.Compose(layout, "t", layers);
        var log = new RecordingLog();
        using var store = OciLayoutStore.Open(layout);

        var analysis = ImageAnalyzer.AnalyzeAsync(store, Reference.Parse($"oci:{layout}:t"), null, new AnalysisOptions { Concurrency = 1 }, log, CancellationToken.None).GetAwaiter().GetResult();

        // One at a time, so the log's order is the order they were started in: by size, ties in layer order.
        Assert.Equal(new[] { 3, 1, 4, 0, 2 }, log.LayersRead);
        Assert.Equal(Enumerable.Range(0, 5), analysis.Layers.Select(l => l.Index));
        Assert.Equal(sizes.Select(kb => kb * 1000L), analysis.Layers.Select(l => l.UncompressedSize));
        NoThreadLeft();
    }

    private static Descriptor Describe(byte[] blob) =>
        new() { MediaType = MediaTypes.OciLayerZstd, Digest = Digest.Compute(blob), Size = blob.Length };

    private void NoThreadLeft() => ReadAheadStreamTests.WaitFor(() => ReadAheadStream.Running == _before);

    private sealed class RecordingLog : IEngineLog
    {
        private readonly List<int> _read = new();

        public IReadOnlyList<int> LayersRead
        {
            get
            {
                lock (_read)
                {
                    return _read.ToList();
                }
            }
        }

        public void Verbose(string message)
        {
            if (message.StartsWith("Read layer ", StringComparison.Ordinal))
            {
                lock (_read)
                {
                    _read.Add(int.Parse(message.Substring("Read layer ".Length).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        public void Warning(string message)
        {
        }
    }

    /// <summary>One stream after another.</summary>
    private sealed class ConcatStream(Stream first, Stream second) : ReadOnlyStream
    {
        private bool _firstDone;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_firstDone)
            {
                var n = first.Read(buffer, offset, count);
                if (n > 0)
                {
                    return n;
                }

                _firstDone = true;
            }

            return second.Read(buffer, offset, count);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                first.Dispose();
                second.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
