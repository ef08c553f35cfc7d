using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Layout;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// One budget of -MaximumRetryCount + 1 attempts per request, shared by the transport's retries, a download's
/// resumes and a transfer's restarts. Delays are recorded by an injected delay, never waited.
/// </summary>
public sealed class RetryBudgetTests : IClassFixture<RegistryImages>
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly RegistryImages _images;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public RetryBudgetTests(RegistryImages images, Xunit.Abstractions.ITestOutputHelper output)
    {
        _images = images;
        _output = output;
    }

    [Theory]
    [InlineData(4, 5, new[] { 1.0, 2, 4, 8 })]
    [InlineData(0, 1, new double[0])]
    [InlineData(2, 3, new[] { 1.0, 2 })]
    public async Task ABlobThatAnswers500ForeverCostsTheBudgetAndNoMore(int maximumRetryCount, int attempts, double[] delays)
    {
        using var fake = new FakeRegistry();
        var layer = fake.AddImage("team/app", "v1", 10_000);
        fake.FailBlobsWith = 500;
        var scheduled = new List<TimeSpan>();
        var options = new RegistryOptions
        {
            MaximumRetryCount = maximumRetryCount,
            Clock = new TestClock(scheduled.Add),
        };
        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, options, new RecordingLog());
        using var temp = new TempDirectory();
        var from = Reference.Parse($"{fake.Host}/team/app:v1");
        var error = await Assert.ThrowsAsync<RegistryErrorException>(() =>
            new ImageCopier(ImageStores.OpenRegistry(from, context), OciLayoutStore.OpenOrCreate(temp.Path), new CopyOptions(), context.Log, null)
                .CopyAsync(from, Reference.ForLayout(temp.Path, "v1"), None));
        Assert.Equal(500, error.StatusCode);

        // Copies run blobs in parallel: count the GETs of the layer and the delays of all the blobs (each blob has
        // its own budget, so the delays of the config and the layer are counted apart).
        Assert.Equal(attempts, fake.Log.Count(l => l == $"GET /v2/team/app/blobs/{layer} 500"));
        var blobs = fake.Log.Where(l => l.StartsWith("GET /v2/team/app/blobs/", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).Distinct().Count();
        Assert.Equal(delays.Length * blobs, scheduled.Count);
        Assert.Equal(delays.Sum() * blobs, scheduled.Sum(d => d.TotalSeconds), 3);
        _output.WriteLine($"-MaximumRetryCount {maximumRetryCount}: {attempts} GETs of the layer; delays {string.Join(", ", scheduled.Select(d => d.TotalSeconds))} s");
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task DropsAndRetriesOfOneDownloadShareTheBudget()
    {
        // The real registry behind a proxy that cuts the blob twice, then answers 503: two resumes and one retry
        // use three of four retries, and the fourth completes the download.
        var registry = _images.Registries[RegistryAuth.None];
        var random = new byte[400_000];
        new Random(11).NextBytes(random);
        var descriptor = new Model.Descriptor { MediaType = MediaTypes.OciLayer, Digest = Digest.Compute(random), Size = random.Length };
        await TestClients.Store(registry.Host, "budget/app").PutBlobAsync(descriptor, new MemoryStream(random), null, None);

        using var proxy = new FaultProxy(registry.Host);
        proxy.DropAfter(2, "/blobs/sha256", 50_000);
        var scheduled = new List<TimeSpan>();
        var options = new RegistryOptions { Clock = new TestClock(scheduled.Add) };
        var store = TestClients.Store(proxy.Host, "budget/app", options, new RecordingLog());
        using (var stream = await store.OpenBlobAsync(descriptor, None))
        {
            proxy.FailNext(1, 503, "/blobs/sha256");
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(random, copy.ToArray());
        }

        // 2 drops (resumes, no wait) + 1 retry after the 503 (waits the third step, 4 s: the budget counts on).
        Assert.Equal(new[] { TimeSpan.FromSeconds(4) }, scheduled);

        // With no retries allowed, the first drop ends the download with a clear error, not a hang.
        using var strict = new FaultProxy(registry.Host);
        strict.DropAfter(1, "/blobs/sha256", 50_000);
        var none = TestClients.Store(strict.Host, "budget/app", new RegistryOptions { MaximumRetryCount = 0 }, new RecordingLog());
        using var cut = await none.OpenBlobAsync(descriptor, None);
        Assert.Equal("RegistryUnreachable", (await Assert.ThrowsAsync<RegistryUnreachableException>(() => cut.CopyToAsync(Stream.Null))).ErrorId);
        Assert.Equal(1, strict.Requests);
    }
}
