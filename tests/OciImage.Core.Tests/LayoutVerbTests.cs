using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>Garbage collection looks at a whole layout: the verb refuses anything narrower or other, before it opens a store.</summary>
public class LayoutVerbTests
{
    [Theory]
    [InlineData("app")]
    [InlineData(null)]
    public async Task ATaggedOrPinnedLayoutIsRefusedAndNothingIsRemoved(string? tag)
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        TestImages.Compose(layout, "app", new[] { TestImages.AddTarLayer(layout, new byte[1024]) });
        var orphan = ReferenceImages.WriteBlob(layout, new byte[] { 1, 2, 3 });
        var orphanPath = Path.Combine(layout, "blobs", "sha256", orphan.Split(':')[1]);
        File.SetLastWriteTimeUtc(orphanPath, DateTime.UtcNow.AddDays(-2));
        var narrow = tag is null
            ? Reference.ForLayout(layout, digest: Digest.Parse(orphan))
            : Reference.ForLayout(layout, tag);

        await Assert.ThrowsAsync<InvalidReferenceException>(() => LayoutVerb.FindUnusedAsync(narrow, TimeSpan.Zero, NullEngineLog.Instance, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidReferenceException>(() => LayoutVerb.RemoveUnusedAsync(narrow, new[] { Digest.Parse(orphan) }, TimeSpan.Zero, NullEngineLog.Instance, CancellationToken.None));
        Assert.True(File.Exists(orphanPath));

        // The whole layout is collected: the same blob is found and goes.
        var whole = Reference.ForLayout(layout);
        var report = await LayoutVerb.FindUnusedAsync(whole, TimeSpan.Zero, NullEngineLog.Instance, CancellationToken.None);
        Assert.Contains(report.Unused, b => b.Digest.ToString() == orphan);
        var removed = await LayoutVerb.RemoveUnusedAsync(whole, report.Unused.Select(b => b.Digest), TimeSpan.Zero, NullEngineLog.Instance, CancellationToken.None);
        Assert.Contains(removed, b => b.Digest.ToString() == orphan);
        Assert.False(File.Exists(orphanPath));
    }

    [Fact]
    public async Task ARegistryReferenceIsRefused()
    {
        await Assert.ThrowsAsync<InvalidReferenceException>(() => LayoutVerb.FindUnusedAsync(Reference.Parse("localhost:5000/app"), TimeSpan.Zero, NullEngineLog.Instance, CancellationToken.None));
    }
}
