using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Selection;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// A referrers list is the registry's word (or a fallback tag's, which anyone who can push writes): one of 20,000
/// descriptors fits under the 4 MiB manifest limit and would cost a copy, a mirror or an inventory a request or
/// more an entry. Over <see cref="Referrers.MaxCount"/> it is refused whole (ManifestTooLarge) before any entry is
/// fetched; a list of exactly that many is read.
/// </summary>
public sealed class ReferrerFloodTests : IDisposable
{
    private const int Flood = 20_000;
    private readonly TempDirectory _temp = new("refflood");

    public void Dispose() => _temp.Dispose();

    private static StoreContext Context() => new(new RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ACopyRefusesAFloodedReferrersListAndFetchesNoneOfIt(bool throughApi)
    {
        using var registry = new ReferrerFlood(Flood, throughApi);
        Assert.True(registry.ListBytes < Manifest.MaxSize, "the flood must pass the manifest size limit, or that limit would be what refuses it");
        var context = Context();

        var error = await Assert.ThrowsAsync<ManifestTooLargeException>(() => CopyVerb.CopyAsync(
            Reference.Parse($"{registry.Host}/{ReferrerFlood.Repository}:1"), Reference.Parse($"oci:{_temp.Combine("dst")}:1"),
            new CopyOptions { IncludeReferrers = true }, context, context, null, CancellationToken.None));

        Assert.Equal("ManifestTooLarge", error.ErrorId);
        Assert.Contains($"more than {Referrers.MaxCount}", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, registry.ReferrerFetches);
    }

    [Fact]
    public async Task AnInventoryGivesTheTagAnErrorNotACountOfAFlood()
    {
        using var registry = new ReferrerFlood(Flood, throughApi: true);

        var details = Assert.Single(await TagDetailsVerb.GetAsync(Reference.Parse($"{registry.Host}/{ReferrerFlood.Repository}"), new[] { "1" },
            TagDetailFields.Digest | TagDetailFields.Referrers, Context(), CancellationToken.None));

        Assert.IsType<ManifestTooLargeException>(details.Error);
        Assert.Null(details.ReferrerCount);
        Assert.Equal(0, registry.ReferrerFetches);
    }

    [Fact]
    public async Task AListOfExactlyTheLimitIsRead()
    {
        using var registry = new ReferrerFlood(Referrers.MaxCount, throughApi: false);

        var details = Assert.Single(await TagDetailsVerb.GetAsync(Reference.Parse($"{registry.Host}/{ReferrerFlood.Repository}"), new[] { "1" },
            TagDetailFields.Referrers, Context(), CancellationToken.None));

        Assert.Null(details.Error);
        Assert.Equal(Referrers.MaxCount, details.ReferrerCount);
    }

    [Fact]
    public async Task ListingReferrersForTheCmdletRefusesAFlood()
    {
        using var registry = new ReferrerFlood(Flood, throughApi: false);

        await Assert.ThrowsAsync<ManifestTooLargeException>(async () =>
        {
            await foreach (var _ in ReadVerb.ReferrersAsync(Reference.Parse($"{registry.Host}/{ReferrerFlood.Repository}:1"), null, Context(), CancellationToken.None))
            {
            }
        });
    }

    [Fact]
    public async Task OneMoreIsNotWrittenIntoAFallbackIndexAlreadyAtTheLimit()
    {
        using var registry = new ReferrerFlood(Referrers.MaxCount, throughApi: false);
        using var store = TestClients.Store(registry.Host, ReferrerFlood.Repository, new RegistryOptions { MaximumRetryCount = 0 });
        var subject = await store.GetManifestAsync(Reference.Parse($"{registry.Host}/{ReferrerFlood.Repository}:1"), CancellationToken.None);
        var signature = ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciManifest,
            ArtifactType = "application/vnd.example.signature",
            Config = new Descriptor { MediaType = "application/vnd.oci.empty.v1+json", Digest = Digest.Compute("{}"u8.ToArray()), Size = 2 },
            Layers = new List<Descriptor>(),
            Subject = subject.ToDescriptor(),
        });

        await Assert.ThrowsAsync<ManifestTooLargeException>(() => store.RecordReferrerAsync(signature, CancellationToken.None));
        Assert.Equal(0, registry.Writes);
    }
}
