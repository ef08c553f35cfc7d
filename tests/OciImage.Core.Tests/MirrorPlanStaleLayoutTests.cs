using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Mirror;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Red team 10: a mirror's run takes the plan's "the destination has this blob" answers. A registry that lost the
/// blob since refuses the manifest; a layout takes any manifest, so a blob removed between the plan and the copy
/// (a garbage collection, another process) must be asked about again, or the tag lands on an incomplete image.
/// </summary>
public sealed class MirrorPlanStaleLayoutTests : System.IDisposable
{
    private readonly TempDirectory _temp = new("mirrorstale");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ABlobRemovedFromALayoutSinceThePlanIsCopiedAgainNotTrusted()
    {
        var source = _temp.Combine("src");
        var destination = _temp.Combine("dst");
        var shared = TestImages.AddTarLayer(source, Encoding.ASCII.GetBytes("the shared base layer's bytes"));
        var top = TestImages.AddTarLayer(source, Encoding.ASCII.GetBytes("the top layer's bytes"));
        TestImages.Compose(source, "1.0.0", new[] { shared });
        var wanted = TestImages.Compose(source, "1.1.0", new[] { shared, top });
        Assert.Equal(shared.Digest, TestImages.AddTarLayer(destination, Encoding.ASCII.GetBytes("the shared base layer's bytes")).Digest);
        TestImages.Compose(destination, "1.0.0", new[] { shared });

        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);
        var run = new SyncRun();
        var mapping = new SyncMapping { Source = Reference.Parse($"oci:{source}:1.1.0"), Destination = Reference.Parse($"oci:{destination}") };
        var plan = SyncVerb.PlanAsync(mapping, run, null, 1, context, context, CancellationToken.None).GetAwaiter().GetResult();
        var item = Assert.Single(plan);
        Assert.True(item.BlobsReused >= 1, "the shared layer should be at the destination when planned");

        // Gone before the plan is applied in the same invocation.
        var blobPath = Path.Combine(destination, "blobs", "sha256", Digest.Parse(shared.Digest).Hex);
        File.Delete(blobPath);

        var results = new List<SyncItemResult>();
        var summary = SyncVerb.ApplyAsync(plan, false, run, 1, context, context, r => { lock (results) { results.Add(r); } }, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Null(Assert.Single(results).Error);
        Assert.Equal(1, summary.Copied);
        Assert.True(File.Exists(blobPath), "the tag 1.1.0 names a layer the layout lacks");

        using var store = OciLayoutStore.OpenOrCreate(destination);
        var image = (ImageManifest)store.GetManifestAsync(Reference.Parse($"oci:{destination}:1.1.0"), CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(wanted, image.Digest.ToString());
        Assert.All(image.Layers, l => Assert.True(store.HasBlobAsync(l, CancellationToken.None).GetAwaiter().GetResult(), l.Digest.ToString()));
    }
}
