using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using OciImage.Core.Analysis;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Runs alone: it counts the process's live libzstd contexts, which other tests would change.</summary>
[CollectionDefinition(nameof(ZstdContextLifetime), DisableParallelization = true)]
public class ZstdContextLifetime
{
}

/// <summary>Every libzstd context is freed when its reader is done, whether it ended, failed, was cancelled or was dropped.</summary>
[Collection(nameof(ZstdContextLifetime))]
public class ZstdContextLifetimeTests
{
    [Fact]
    public void NoContextOutlivesAReadThatEndsFailsOrIsCancelled()
    {
        ZstdDecoderTests.RequireNative();
        var before = ZstdContextHandle.Live;
        using (ZstdDecoders.Use(ZstdDecoderKind.Native))
        {
            foreach (var (name, _, blob) in ZstdFrames.All())
            {
                if (name == "zstd-bomb")
                {
                    continue;
                }

                try
                {
                    Scan(blob, CancellationToken.None);
                }
                catch (Exception)
                {
                    // The outcome is ZstdDecoderTests' business; here only the context counts.
                }

                Assert.True(ZstdContextHandle.Live == before, $"{name}: {ZstdContextHandle.Live - before} context(s) left");
            }

            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.ThrowsAny<OperationCanceledException>(() => Scan(ZstdFrames.Plain(), cancelled.Token));
            Assert.Equal(before, ZstdContextHandle.Live);
        }
    }

    [Fact]
    public void AnAbandonedReaderFreesItsContextWhenCollected()
    {
        ZstdDecoderTests.RequireNative();
        var before = ZstdContextHandle.Live;
        Abandon();
        Assert.Equal(before + 1, ZstdContextHandle.Live);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(before, ZstdContextHandle.Live);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon()
    {
        var stream = ZstdDecoders.Open(new MemoryStream(ZstdFrames.Plain()), ZstdDecoderKind.Native, ZstdDecoders.WindowLogMax);
        Assert.NotEqual(-1, stream.ReadByte());
    }

    private static void Scan(byte[] blob, CancellationToken cancellationToken)
    {
        var layer = new Descriptor { MediaType = MediaTypes.OciLayerZstd, Digest = Digest.Compute(new MemoryStream(blob)).Digest, Size = blob.Length };
        LayerScanner.Scan(new MemoryStream(blob), 0, layer, hashContent: true, "layer 0", cancellationToken);
    }
}
