using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Copy;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// Issue 33 item 4: round trips a copy between registries makes together rather than one after another. The
/// target's upload session (POST) is opened while the source's GET of the blob is under way, and the config is
/// read back from the target as soon as it is there, while the layers still stream. Each test holds one answer
/// back until the other request has arrived: done one after the other, the held answer waits out its deadline.
/// </summary>
public sealed class CopyRoundTripTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task TheTargetsUploadIsOpenedWhileTheSourcesGetIsUnderWay()
    {
        using var source = new FakeRegistry();
        using var target = new FakeRegistry();
        var layer = source.AddImage("app", "1", 300_000);
        // Both blobs' sessions, the config's and the layer's, before the layer's GET is answered.
        var posted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = 0;
        target.BeforeAnswer = (method, path) =>
        {
            if (method == "POST" && path.EndsWith("/blobs/uploads/", StringComparison.Ordinal) && Interlocked.Increment(ref posts) == 2)
            {
                posted.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var heldUntilPosted = 0;
        source.BeforeAnswer = async (method, path) =>
        {
            if (method == "GET" && path.EndsWith(layer, StringComparison.Ordinal) && await Task.WhenAny(posted.Task, Task.Delay(Deadline)) == posted.Task)
            {
                Interlocked.Increment(ref heldUntilPosted);
            }
        };

        var result = await Copy(source, target);

        Assert.Equal(2, result.BlobsCopied);
        Assert.True(target.HasBlob("copy", layer));
        Assert.Equal(1, heldUntilPosted);

        // The same requests as one after the other: one session per blob, none left over.
        Assert.Equal(2, target.Log.Count(l => l.StartsWith("POST ", StringComparison.Ordinal)));
        Assert.Equal(2, target.Log.Count(l => l.StartsWith("PUT ", StringComparison.Ordinal) && l.Contains("/blobs/uploads/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheConfigIsReadBackWhileTheLayersStillStream()
    {
        using var source = new FakeRegistry();
        using var target = new FakeRegistry();
        var layer = source.AddImage("app", "1", 300_000);
        var readBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        target.BeforeAnswer = (method, path) =>
        {
            if (method == "GET" && path.Contains("/blobs/sha256:", StringComparison.Ordinal))
            {
                readBack.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var layerHeld = 0;
        source.BeforeAnswer = async (method, path) =>
        {
            if (method == "GET" && path.EndsWith(layer, StringComparison.Ordinal) && await Task.WhenAny(readBack.Task, Task.Delay(Deadline)) == readBack.Task)
            {
                Interlocked.Increment(ref layerHeld);
            }
        };

        var result = await Copy(source, target);

        Assert.Equal(new[] { "linux/amd64" }, result.Platforms);
        Assert.Equal(1, layerHeld);
        Assert.True(target.HasTag("copy", "1"));
    }

    private static Task<CopyResult> Copy(FakeRegistry source, FakeRegistry target) =>
        new ImageCopier(TestClients.Store(source.Host, "app"), TestClients.Store(target.Host, "copy"), new CopyOptions(), NullEngineLog.Instance, null)
            .CopyAsync(Reference.Parse($"{source.Host}/app:1"), Reference.Parse($"{target.Host}/copy:1"), CancellationToken.None);
}
