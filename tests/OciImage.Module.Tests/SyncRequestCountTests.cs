using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Http;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Mirror;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// What a mirror asks the registries, counted by proxies: the run takes what its plan (same invocation) learned, blob
/// HEADs and the destination's tags, and does not ask again; an up-to-date image costs one HEAD at each end, indexes
/// and images with referrers included. What the plan learned may be stale (a blob lost since) or a lie (a registry
/// that claims blobs it lacks): the first is recovered from, the second is a clear error with no tag written.
/// </summary>
public sealed class SyncRequestCountTests : IClassFixture<SyncFixture>
{
    private readonly SyncFixture _fixture;

    public SyncRequestCountTests(SyncFixture fixture) => _fixture = fixture;

    private string Host => _fixture.Host;

    private static List<PSObject> Results(ScriptResult run) => run.Output.Where(o => o.TypeNames[0] == "OciImage.OciSyncResult").ToList();

    private static string Status(PSObject result) => (string)result.Properties["Status"].Value;

    private static List<string> Lines(FaultProxy proxy, string prefix)
    {
        lock (proxy.Log)
        {
            return proxy.Log.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        }
    }

    /// <summary>An artifact of one JSON file, with a subject: a referrer of that image.</summary>
    private static void PushReferrer(PowerShellHost host, string reference, string artifactType, string subject, string json)
    {
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ocisync-referrer-{Guid.NewGuid():N}.json");
        System.IO.File.WriteAllText(file, json);
        try
        {
            host.RunClean($"New-OciImage {reference} -ArtifactType {artifactType} -Subject {subject} -File '{file}' -FileMediaType application/json | Out-Null");
        }
        finally
        {
            System.IO.File.Delete(file);
        }
    }

    [ToolFact("docker-registry")]
    public void AFreshMirrorAsksTheDestinationNothingTwice()
    {
        using var other = new RegistryServer();
        using var host = new PowerShellHost();
        using var source = new FaultProxy(Host);
        using var destination = new FaultProxy(other.Host);
        var run = host.Run($"Sync-OciRepository {source.Host}/src/app {destination.Host}/fresh/app -ThrottleLimit 1");
        Assert.Empty(run.Errors);
        Assert.Equal(SyncFixture.Versions.Length + 1, Results(run).Count(r => Status(r) == "Copied"));

        // Each blob asked about once (by the plan; the copy takes its answer), and each one absent is uploaded.
        var blobHeads = Lines(destination, "HEAD /v2/fresh/app/blobs/");
        Assert.Equal(blobHeads.Distinct().Count(), blobHeads.Count);
        Assert.Equal(blobHeads.Count, Lines(destination, "POST /v2/fresh/app/blobs/uploads/").Count);

        // One tag's HEAD (the first; the listing answers for the rest), and no HEAD by digest before each put.
        Assert.Equal(1, Lines(destination, "HEAD /v2/fresh/app/manifests/").Count);

        // Nothing read back from the destination (a mirror's results do not report an image's platform).
        Assert.Empty(Lines(destination, "GET /v2/fresh/app/blobs/"));

        // At the source, a tag known absent at the destination is read at once: a HEAD for the first tag only.
        Assert.Equal(1, Lines(source, "HEAD /v2/src/app/manifests/").Count);
        var reads = Lines(source, "GET /v2/src/app/manifests/");
        Assert.Equal(reads.Distinct().Count(), reads.Count);
    }

    [ToolFact("docker-registry")]
    public void UpToDateCostsOneHeadATagAtEachEndForIndexesAndReferrers()
    {
        using var host = new PowerShellHost();
        host.RunClean($"Sync-OciRepository {Host}/src/app {Host}/refsrc/app | Out-Null");
        PushReferrer(host, $"{Host}/refsrc/app:sbom", "application/spdx+json", $"{Host}/refsrc/app:1.0.0", "{\"spdxVersion\":\"SPDX-2.3\"}");

        var first = host.Run($"Sync-OciRepository {Host}/refsrc/app {Host}/refdst/app -Exclude sbom, 'sha256-*' -IncludeReferrers");
        Assert.Empty(first.Errors);
        Assert.Single(host.RunClean($"Get-OciReferrer {Host}/refdst/app:1.0.0"));

        using var source = new FaultProxy(Host);
        using var destination = new FaultProxy(Host);
        var again = host.Run($"Sync-OciRepository {source.Host}/refsrc/app {destination.Host}/refdst/app -Exclude sbom, 'sha256-*' -IncludeReferrers");
        Assert.Empty(again.Errors);
        var tags = SyncFixture.Versions.Length + 1; // every version, and multi (an index); not the referrers tag schema's tags
        Assert.Equal(tags, Results(again).Count(r => Status(r) == "UpToDate"));
        Assert.Equal(tags, Lines(destination, "HEAD /v2/refdst/app/manifests/").Count);
        Assert.Equal(tags, Lines(source, "HEAD /v2/refsrc/app/manifests/").Count);

        // With -IncludeReferrers an up-to-date image's referrers are compared too: the source's listed for every
        // tag (this registry has no referrers API: one question, then each subject's fallback tag), the
        // destination's only where the source has some (1.0.0's SBOM: one question, one fallback tag).
        Assert.Equal(tags + 1 + 1 + tags, source.Requests);
        Assert.Equal(tags, Lines(source, "GET /v2/refsrc/app/manifests/sha256-").Count);
        Assert.Equal(tags + 2, destination.Requests);
        Assert.Single(Lines(destination, "GET /v2/refdst/app/manifests/sha256-"));
    }

    [ToolFact("docker-registry")]
    public void AReferrerAddedAtTheSourceAfterTheMirrorIsBroughtOverThoughItsImageIsUpToDate()
    {
        using var host = new PowerShellHost();
        host.RunClean($"Sync-OciRepository {Host}/src/app {Host}/newref/app | Out-Null");
        host.RunClean($"Sync-OciRepository {Host}/newref/app {Host}/newrefdst/app -IncludeReferrers | Out-Null");
        PushReferrer(host, $"{Host}/newref/app:sig", "application/vnd.example.signature", $"{Host}/newref/app:1.0.0", "{\"signed\":true}");

        var again = host.Run($"Sync-OciRepository {Host}/newref/app {Host}/newrefdst/app -Exclude sig, 'sha256-*' -IncludeReferrers");
        Assert.Empty(again.Errors);
        var updated = Assert.Single(Results(again), r => Status(r) != "UpToDate");
        Assert.Equal("Updated", Status(updated));
        Assert.Equal(1, (int)updated.Properties["ReferrersCopied"].Value);
        Assert.Equal("application/vnd.example.signature", host.RunClean($"(Get-OciReferrer {Host}/newrefdst/app:1.0.0).ArtifactType").Single().ToString());

        var third = host.Run($"Sync-OciRepository {Host}/newref/app {Host}/newrefdst/app -Exclude sig, 'sha256-*' -IncludeReferrers");
        Assert.Empty(third.Errors);
        Assert.All(Results(third), r => Assert.Equal("UpToDate", Status(r)));
    }

    [ToolFact("docker-registry")]
    public void ABlobLostSinceThePlanIsCopiedWhenTheRegistryRefusesTheManifest()
    {
        using var other = new RegistryServer();
        using var host = new PowerShellHost();
        host.RunClean($"Copy-OciImage {Host}/src/app:1.0.0 {other.Host}/stale/app | Out-Null");

        // 1.1.0 shares the base layer with 1.0.0: the plan finds it at the destination.
        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);
        var run = new SyncRun();
        var mapping = new SyncMapping { Source = Reference.Parse($"{Host}/src/app:1.1.0"), Destination = Reference.Parse($"{other.Host}/stale/app") };
        var plan = SyncVerb.PlanAsync(mapping, run, null, 1, context, context, CancellationToken.None).GetAwaiter().GetResult();
        var item = Assert.Single(plan);
        Assert.True(item.BlobsReused >= 1, "the shared base layer should be at the destination when planned");

        // The registry loses it before the plan is applied (a garbage collection, another client's delete).
        var image = (ImageManifest)TestClients.Store(Host, "src/app").GetManifestAsync(Reference.Parse($"{Host}/src/app:1.1.0"), CancellationToken.None).GetAwaiter().GetResult();
        var shared = image.Layers[0].Digest;
        using (var http = new HttpClient())
        {
            Assert.True(http.DeleteAsync($"http://{other.Host}/v2/stale/app/blobs/{shared}").GetAwaiter().GetResult().IsSuccessStatusCode);
        }

        var results = new List<SyncItemResult>();
        var summary = SyncVerb.ApplyAsync(plan, false, run, 1, context, context, r => { lock (results) { results.Add(r); } }, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(1, summary.Copied);
        Assert.Null(Assert.Single(results).Error);
        Assert.True(TestClients.Store(other.Host, "stale/app").HasBlobAsync(image.Layers[0], CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(image.Digest.ToString(), host.RunClean($"(Get-OciDigest {other.Host}/stale/app:1.1.0).Digest.ToString()").Single().ToString());
    }

    [ToolFact("docker-registry")]
    public void ADestinationThatClaimsBlobsItLacksIsAClearErrorAndNoTag()
    {
        using var host = new PowerShellHost();
        using var liar = new BlobPresenceLiar(Host, "liar/app", "src/app");
        var run = host.Run($"Sync-OciRepository {Host}/src/app {liar.Host}/liar/app -Include 1.0.0");
        Assert.True(liar.Lies > 0, "the destination should have been asked about its blobs");

        var error = Assert.Single(run.Errors);
        Assert.StartsWith("RegistryError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("contradicts itself", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("liar/app", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("Failed", Status(Assert.Single(Results(run))));
        Assert.Empty(host.RunClean($"Get-OciTag {Host}/liar/app -ErrorAction SilentlyContinue"));
    }
}
