using System;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core.Layout;
using OciImage.Core.Mirror;
using OciImage.Core.Registry;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A mirror with -Prune removes destination tags the source does not list. When the source's listing stopped
/// early (a next-page link refused, with a warning), the tags past the cut are not "gone from the source": a
/// prune planned from that listing would delete mirrored images the source still has. Nothing is pruned then.
/// </summary>
public sealed class PartialSourcePruneTests : IDisposable
{
    private readonly TempDirectory _temp = new("partial-prune");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void APartialSourceListingPrunesNothing()
    {
        using var server = new RefusedPageLinks(RefusedPageLinks.Refused["another host"]);
        var destination = _temp.Combine("mirror");
        foreach (var tag in new[] { "1.0", server.FallbackTag, "gone" })
        {
            using var layout = OciLayoutStore.OpenOrCreate(destination);
            var blob = TestImages.PutBlob(layout, Encoding.ASCII.GetBytes("layer of " + tag), MediaTypes.OciLayer);
            TestImages.Push(layout, tag, new[] { TestImages.Layer.Uncompressed(blob) }, new TestImages.Settings());
        }

        var log = new RecordingLog();
        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, null, log);
        var mapping = new SyncMapping { Source = Reference.Parse($"{server.Host}/inv/app"), Destination = Reference.Parse($"oci:{destination}"), Prune = true };
        var plan = SyncVerb.PlanAsync(mapping, new SyncRun(), null, 1, context, context, CancellationToken.None).GetAwaiter().GetResult();

        Assert.DoesNotContain(plan, item => item.Action == SyncAction.Prune);
        Assert.Contains(log.Messages, w => w.StartsWith("WARNING: ", StringComparison.Ordinal) && w.Contains("tag listing is partial, so nothing is pruned", StringComparison.Ordinal));
        Assert.Equal(new[] { "1.0" }, plan.Select(item => item.Destination.Tag));
    }
}
