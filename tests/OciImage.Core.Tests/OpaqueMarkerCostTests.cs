using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace OciImage.Core.Tests;

/// <summary>
/// Benchmark-style: an opaque marker must cost a small fraction of its layer, not the product of the entries
/// below and above it (issue: 560 KB of layers took 95 s instead of 17 s). The layer with the marker is compared
/// with the same layer without it, on the same lower layer, so the ratio holds on any machine.
/// </summary>
public class OpaqueMarkerCostTests(ITestOutputHelper output)
{
    private const int Files = 4000;

    [Fact]
    public void AMarkerCostsASmallFractionOfItsLayer()
    {
        using var temp = new TempDirectory();
        var lower = Layer("lower", marker: false);
        var plain = Layer("upper", marker: false);
        var opaque = Layer("upper", marker: true);

        // Warm up, then the best of three of each: the ratio of the layer's cost with its marker to its cost alone.
        Measure(temp, lower, plain, out _);
        var alone = Enumerable.Range(0, 3).Min(run => Measure(temp, lower, plain, out _));
        var withMarker = Enumerable.Range(0, 3).Min(run => Measure(temp, lower, opaque, out _));
        Measure(temp, lower, opaque, out var looked);
        var ratio = withMarker.TotalMilliseconds / alone.TotalMilliseconds;
        output.WriteLine($"{Files} files below and above: layer alone {alone.TotalMilliseconds:F0} ms, with the marker {withMarker.TotalMilliseconds:F0} ms (x{ratio:F2}); names looked at {looked}");

        // The marker removes the lower layer's files (one unlink each, cheaper than the writes of the layer):
        // quadratic work, one comparison per pair of names (16 million here), is many times the layer.
        Assert.True(ratio < 2.5, $"the marker made its layer {ratio:F2} times as costly");

        // And by count: every name below it is looked at once, no more.
        Assert.Equal(2 * Files, looked);
    }

    /// <summary>Expands lower then upper in a fresh root; returns the time of upper alone.</summary>
    private static TimeSpan Measure(TempDirectory temp, byte[] lower, byte[] upper, out long visits)
    {
        var root = temp.Combine("root-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var extractor = new LayerExtractor(root, long.MaxValue, NullEngineLog.Instance);
        Apply(extractor, lower);
        var visitsBefore = extractor.OpaqueVisits;
        var clock = Stopwatch.StartNew();
        Apply(extractor, upper);
        clock.Stop();
        visits = extractor.OpaqueVisits - visitsBefore;
        ClaimedFolder.DeleteTree(root);
        return clock.Elapsed;
    }

    private static void Apply(LayerExtractor extractor, byte[] tar)
    {
        using var reader = new LayerReader(new MemoryStream(tar), "layer");
        extractor.Apply(reader, CancellationToken.None);
    }

    /// <summary>d/ holding <see cref="Files"/> empty files named PREFIX-i, and the marker last (after the files it keeps).</summary>
    private static byte[] Layer(string prefix, bool marker)
    {
        var tar = new HostileTar().Directory("d/");
        for (var i = 0; i < Files; i++)
        {
            tar.File($"d/{prefix}-{i}", string.Empty);
        }

        return (marker ? tar.Opaque("d") : tar).ToArray();
    }
}
