using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layout;
using OciImage.Core.Stores;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Manifest graph walks (validation, copy, layout completeness, platform choice, garbage collection) visit each
/// digest once and stop at the documented nesting limit: a DAG whose paths multiply finishes at once, and a chain
/// of indexes 5,000 deep ends in IndexTooDeep (or, for garbage collection, a complete walk) instead of a stack
/// overflow that would take the process with it.
/// </summary>
public sealed class ManifestGraphTests
{
    /// <summary>Far more than any of these walks takes when it visits each digest once.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ADagOfMultiplyingPathsIsWalkedOncePerDigest()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        // 4 levels of 300 entries each: 8.1e9 paths, 6 digests.
        HostileGraphs.MultiplyingDag(source, "dag", levels: 4, fanOut: 300);
        var reference = Reference.ForLayout(source, "dag");
        using var store = OciLayoutStore.Open(source);

        var problems = await Within(ct => ImageValidator.ValidateAsync(store, reference, deep: false, NullEngineLog.Instance, ct));
        Assert.Empty(problems);

        var target = temp.Combine("target");
        using var to = OciLayoutStore.OpenOrCreate(target);
        var copier = new ImageCopier(store, to, new CopyOptions(), NullEngineLog.Instance, null);
        var result = await Within(ct => copier.CopyAsync(reference, Reference.ForLayout(target, "dag"), ct));
        Assert.Equal(5, result.ManifestsCopied); // 3 child indexes, the image, the top
        Assert.Empty(await Within(ct => ImageValidator.ValidateAsync(to, Reference.ForLayout(target, "dag"), false, NullEngineLog.Instance, ct)));

        // Again: the copy finds the destination complete (the layout completeness walk).
        var again = await Within(ct => copier.CopyAsync(reference, Reference.ForLayout(target, "dag"), ct));
        Assert.Equal(0, again.ManifestsCopied);
    }

    [Fact]
    public async Task TheIssuesDagOf33BlobsIsRefusedAtOnceForItsDepth()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        HostileGraphs.MultiplyingDag(source, "dag", levels: 32, fanOut: 2);
        var reference = Reference.ForLayout(source, "dag");
        using var store = OciLayoutStore.Open(source);

        var problems = await Within(ct => ImageValidator.ValidateAsync(store, reference, false, NullEngineLog.Instance, ct));
        Assert.Contains(problems, p => p.Contains($"more than {ManifestGraph.MaxIndexDepth} levels"));

        using var to = OciLayoutStore.OpenOrCreate(temp.Combine("target"));
        var copier = new ImageCopier(store, to, new CopyOptions(), NullEngineLog.Instance, null);
        var error = await Assert.ThrowsAsync<IndexTooDeepException>(() => Within(ct => copier.CopyAsync(reference, Reference.ForLayout(to.Root, "dag"), ct)));
        Assert.Equal("IndexTooDeep", error.ErrorId);
    }

    [Fact]
    public async Task AChainOfIndexes5000DeepIsIndexTooDeepForEveryWalk()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        HostileGraphs.DeepChain(source, "deep", 5_000);
        var reference = Reference.ForLayout(source, "deep");
        using var store = OciLayoutStore.Open(source);

        var problems = await Within(ct => ImageValidator.ValidateAsync(store, reference, false, NullEngineLog.Instance, ct));
        Assert.Single(problems, p => p.Contains("IndexTooDeep") || p.Contains($"more than {ManifestGraph.MaxIndexDepth} levels"));

        await Assert.ThrowsAsync<IndexTooDeepException>(() => Within(ct => ImageReader.ResolveAsync(store, reference, Platform.Parse("linux/amd64"), ct)));

        using var to = OciLayoutStore.OpenOrCreate(temp.Combine("target"));
        var copier = new ImageCopier(store, to, new CopyOptions(), NullEngineLog.Instance, null);
        await Assert.ThrowsAsync<IndexTooDeepException>(() => Within(ct => copier.CopyAsync(reference, Reference.ForLayout(to.Root, "deep"), ct)));

        // Garbage collection must keep everything reachable however deep: it walks it all, without recursion.
        var report = await Within(ct => LayoutGarbage.FindAsync(store, TimeSpan.Zero, ct));
        Assert.Empty(report.Unused);
        Assert.Equal(5_000 + 2, report.ReachableBlobs); // the indexes, the image, its one blob ({} as config and layer)
    }

    [Fact]
    public async Task NestingUpToTheLimitIsRead()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        HostileGraphs.DeepChain(source, "ok", ManifestGraph.MaxIndexDepth);
        HostileGraphs.DeepChain(source, "over", ManifestGraph.MaxIndexDepth + 1);
        using var store = OciLayoutStore.Open(source);

        Assert.Empty(await ImageValidator.ValidateAsync(store, Reference.ForLayout(source, "ok"), false, NullEngineLog.Instance, default));
        Assert.NotEmpty(await ImageValidator.ValidateAsync(store, Reference.ForLayout(source, "over"), false, NullEngineLog.Instance, default));
    }

    /// <summary>Runs a walk with a deadline: a walk that multiplies fails the test instead of holding it.</summary>
    private static async Task<T> Within<T>(Func<CancellationToken, Task<T>> walk)
    {
        using var cancel = new CancellationTokenSource(Limit);
        var task = Task.Run(() => walk(cancel.Token));
        if (await Task.WhenAny(task, Task.Delay(Limit + TimeSpan.FromSeconds(5))) != task)
        {
            throw new TimeoutException("the walk did not finish: it follows paths, not digests");
        }

        return await task;
    }
}
