using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Selection;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Core.Tests;

/// <summary>
/// On a registry without the referrers API (the CNCF registry 2.8), the fallback tag sha256-HEX of an image that a
/// complete listing made moments ago does not hold is known absent: an inventory does not ask for it once an image.
/// A listing never hides a referrer that is there: one that is in it is fetched, a tag pushed through the store
/// forgets it, and recording a referrer (read, then write back with one more) always asks.
/// </summary>
public sealed class ListedTagsReferrersTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static StoreContext Context() => new(new RegistrySessions { DockerConfigPath = null }, null, NullEngineLog.Instance);

    private static Manifest Image(IImageStore store, string? tag, int seed)
    {
        var layer = TestImages.PutBlob(store, Encoding.UTF8.GetBytes("layer " + seed), MediaTypes.OciLayer);
        return TestImages.Push(store, tag, new[] { TestImages.Layer.Uncompressed(layer) }, new TestImages.Settings { Created = $"2024-01-{seed + 1:00}T00:00:00Z" });
    }

    /// <summary>A signature-like artifact (empty config and layer) that refers to <paramref name="subject"/>, recorded as registries without the API need.</summary>
    private static async Task<Manifest> SignAsync(IImageStore store, Manifest subject, string kind)
    {
        var empty = TestImages.PutBlob(store, Encoding.UTF8.GetBytes("{}"), MediaTypes.OciEmpty);
        var json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"artifactType\":\"application/example." + kind + "\","
            + "\"config\":{\"mediaType\":\"" + MediaTypes.OciEmpty + "\",\"digest\":\"" + empty.Digest + "\",\"size\":2},\"layers\":[{\"mediaType\":\"" + MediaTypes.OciEmpty + "\",\"digest\":\""
            + empty.Digest + "\",\"size\":2}],\"subject\":{\"mediaType\":\"" + subject.MediaType + "\",\"digest\":\"" + subject.Digest + "\",\"size\":" + subject.Size + "}}";
        var referrer = ManifestParser.Parse(Encoding.UTF8.GetBytes(json), MediaTypes.OciManifest, "referrer");
        await store.PutChildManifestAsync(referrer, None);
        await Referrers.RecordAsync(store, referrer, None);
        return referrer;
    }

    [ToolFact("docker-registry")]
    public async Task AnInventoryAsksOnlyForTheFallbackTagsItsListingHolds()
    {
        using var registry = new RegistryServer();
        var store = TestClients.Store(registry.Host, "inv/app");
        var images = Enumerable.Range(0, 6).Select(i => Image(store, "1." + i, i)).ToList();
        await SignAsync(store, images[2], "signature");

        List<ListedTag> listed;
        List<string> log;
        using (var proxy = new FaultProxy(registry.Host))
        {
            listed = await TagListVerb.ListAsync(Reference.Parse($"{proxy.Host}/inv/app"), null, TagDetailFields.All, Context(), None).ToListAsync();
            lock (proxy.Log)
            {
                log = proxy.Log.ToList();
            }
        }

        // Six images and the fallback tag, each described; the signed image counts its referrer, the others none.
        Assert.Equal(7, listed.Count);
        var byTag = listed.ToDictionary(l => l.Tag);
        Assert.All(listed, l => Assert.Null(l.Details!.Error));
        Assert.Equal(1, byTag["1.2"].Details!.ReferrerCount);
        Assert.All(new[] { "1.0", "1.1", "1.3", "1.4", "1.5" }, tag => Assert.Equal(0, byTag[tag].Details!.ReferrerCount));

        // Only the fallback tag the listing holds is fetched (for its subject), and the one the listing shows as a
        // tag (whose own referrers the inventory counts too); the five images' absent fallback tags are not asked.
        var fallbackGets = log.Where(l => l.StartsWith("GET /v2/inv/app/manifests/sha256-", StringComparison.Ordinal)).ToList();
        var signed = "GET /v2/inv/app/manifests/" + ReferrerIndex.FallbackTag(images[2].Digest);
        Assert.All(fallbackGets, l => Assert.Equal(signed, l));
        Assert.InRange(fallbackGets.Count, 1, 2); // as a subject's referrers, and as a listed tag described
    }

    [ToolFact("docker-registry")]
    public async Task ATagPushedAfterTheListingIsAskedFor()
    {
        using var registry = new RegistryServer();
        var store = TestClients.Store(registry.Host, "inv/app");
        var image = Image(store, "1.0", 1);

        // The listing has no fallback tag: no referrers, without a question.
        var tags = await store.ListTagsAsync(None).ToListAsync();
        Assert.Equal(new[] { "1.0" }, tags);
        Assert.Empty(await Referrers.ListAsync(store, image.Digest, None));

        // A referrer recorded through the same store pushes the fallback tag: the listing is forgotten.
        var signature = await SignAsync(store, image, "signature");
        Assert.Equal(new[] { signature.Digest }, (await Referrers.ListAsync(store, image.Digest, None)).Select(d => d.Digest));
    }

    [ToolFact("docker-registry")]
    public async Task RecordingAReferrerNeverTrustsAListingThatLacksTheFallbackTag()
    {
        using var registry = new RegistryServer();
        var first = TestClients.Store(registry.Host, "inv/app");
        var image = Image(first, "1.0", 1);
        Assert.Equal(new[] { "1.0" }, await first.ListTagsAsync(None).ToListAsync());

        // Another client signs the image after the first one listed the tags.
        var other = TestClients.Store(registry.Host, "inv/app");
        var signature = await SignAsync(other, image, "signature");

        // The first client adds an SBOM: the fallback index keeps the signature (the listing said the tag was absent).
        var sbom = await SignAsync(first, image, "sbom");
        var held = await Referrers.ListAsync(TestClients.Store(registry.Host, "inv/app"), image.Digest, None);
        Assert.Equal(new[] { signature.Digest, sbom.Digest }.OrderBy(d => d.ToString()), held.Select(d => d.Digest).OrderBy(d => d.ToString()));
    }

    [ToolFact("docker-registry")]
    public async Task AListingAbandonedHalfWayIsNotRemembered()
    {
        using var registry = new RegistryServer();
        var store = TestClients.Store(registry.Host, "inv/app");
        var image = Image(store, "1.0", 1);
        Image(store, "1.1", 2);
        var signature = await SignAsync(TestClients.Store(registry.Host, "inv/app"), image, "signature");

        // The first tag only: the listing did not end, so it says nothing of the others.
        await using (var tags = store.ListTagsAsync(None).GetAsyncEnumerator())
        {
            Assert.True(await tags.MoveNextAsync());
        }

        Assert.Equal(new[] { signature.Digest }, (await Referrers.ListAsync(store, image.Digest, None)).Select(d => d.Digest));
    }

    [Fact]
    public async Task APageLinkWithAnUnquotedRelIsFollowedSoNoReferrerIsHidden()
    {
        // A registry without the referrers API that pages its tags and writes its Link as RFC 8288 allows (rel=next,
        // unquoted): the fallback tag is on the second page. Stopping after the first would remember a listing
        // without it, and so report no referrers for an image that has one.
        var subject = Digest.Parse("sha256:" + new string('1', 64));
        var signature = "sha256:" + new string('2', 64);
        using var server = new PagingRegistry(ReferrerIndex.FallbackTag(subject), signature);
        var store = TestClients.Store(server.Host, "inv/app");
        var tags = await store.ListTagsAsync(None).ToListAsync();
        Assert.Equal(new[] { "1.0", ReferrerIndex.FallbackTag(subject) }, tags);
        Assert.Equal(new[] { signature }, (await Referrers.ListAsync(store, subject, None)).Select(d => d.Digest.ToString()));
    }

    public static TheoryData<string> RefusedLinks() => new(RefusedPageLinks.Refused.Keys);

    [Theory]
    [MemberData(nameof(RefusedLinks))]
    public async Task ANextPageLinkThatIsRefusedLeavesTheListingIncompleteAndSaysSo(string form)
    {
        // Page 1's next link is not followed (another origin, or not readable): the listing is partial, so the
        // fallback tag on page 2 is asked for rather than taken as absent, and the user is told.
        using var server = new RefusedPageLinks(RefusedPageLinks.Refused[form]);
        var log = new RecordingLog();
        var store = TestClients.Store(server.Host, "inv/app", null, log);
        Assert.Equal(new[] { "1.0" }, await store.ListTagsAsync(None).ToListAsync());
        Assert.False(server.SecondPageRead);
        Assert.Null(store.CompleteListing);
        Assert.Equal(new[] { server.Signature }, (await Referrers.ListAsync(store, server.Subject, None)).Select(d => d.Digest.ToString()));

        var warning = Assert.Single(log.Messages, m => m.StartsWith("WARNING: ", StringComparison.Ordinal));
        Assert.Contains($"the tags of {server.Host}/inv/app stopped after 1 page(s)", warning);
        Assert.Contains(form == "another host" || form == "another scheme" ? "another origin" : form == "not a URL" ? "is not a URL" : "cannot be read", warning);
        Assert.Contains("partial", warning);
    }

    [Theory]
    [MemberData(nameof(RefusedLinks))]
    public async Task AnInventoryOverARefusedNextPageLinkStillCountsTheReferrer(string form)
    {
        // Get-OciTag -Detail: the listing is handed on as every tag only when it was complete.
        using var server = new RefusedPageLinks(RefusedPageLinks.Refused[form]);
        var log = new RecordingLog();
        var listed = await TagListVerb.ListAsync(Reference.Parse($"{server.Host}/inv/app"), null, TagDetailFields.Referrers,
            new StoreContext(new RegistrySessions { DockerConfigPath = null }, null, log), None).ToListAsync();
        var only = Assert.Single(listed);
        Assert.Equal("1.0", only.Tag);
        Assert.Null(only.Details!.Error);
        Assert.Equal(1, only.Details.ReferrerCount);
        Assert.Single(log.Messages, m => m.StartsWith("WARNING: ", StringComparison.Ordinal) && m.Contains("partial"));
    }

    [Fact]
    public async Task ACommaInsideANextPageLinkIsPartOfItsTargetAndTheListingIsWhole()
    {
        // RFC 8288: the target runs to its '>'; splitting the header at every comma lost the next page.
        using var server = new RefusedPageLinks(RefusedPageLinks.CommaInTarget);
        var log = new RecordingLog();
        var store = TestClients.Store(server.Host, "inv/app", null, log);
        Assert.Equal(new[] { "1.0", server.FallbackTag }, await store.ListTagsAsync(None).ToListAsync());
        Assert.Equal(new[] { "1.0", server.FallbackTag }, store.CompleteListing);
        Assert.DoesNotContain(log.Messages, m => m.StartsWith("WARNING: ", StringComparison.Ordinal));
        Assert.Equal(new[] { server.Signature }, (await Referrers.ListAsync(store, server.Subject, None)).Select(d => d.Digest.ToString()));
    }

    /// <summary>Two pages of tags (rel=next unquoted), no referrers API, and the fallback tag's index.</summary>
    private sealed class PagingRegistry : LoopbackHttpServer
    {
        private readonly string _fallbackTag;
        private readonly byte[] _index;

        public PagingRegistry(string fallbackTag, string referrer)
        {
            _fallbackTag = fallbackTag;
            _index = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciIndex + "\",\"manifests\":[{\"mediaType\":\""
                + MediaTypes.OciManifest + "\",\"digest\":\"" + referrer + "\",\"size\":100,\"artifactType\":\"application/example.signature\"}]}");
            Start();
        }

        protected override async Task HandleAsync(System.Net.HttpListenerContext context)
        {
            var url = context.Request.Url!;
            var response = context.Response;
            byte[] body;
            if (url.AbsolutePath == "/v2/inv/app/tags/list")
            {
                var second = (context.Request.QueryString["last"] ?? string.Empty) == "1.0";
                if (!second)
                {
                    response.AddHeader("Link", "</v2/inv/app/tags/list?last=1.0&n=1000>; rel=next");
                }

                body = Encoding.UTF8.GetBytes("{\"name\":\"inv/app\",\"tags\":[\"" + (second ? _fallbackTag : "1.0") + "\"]}");
                response.ContentType = "application/json";
            }
            else if (url.AbsolutePath == "/v2/inv/app/manifests/" + _fallbackTag)
            {
                body = _index;
                response.ContentType = MediaTypes.OciIndex;
                response.AddHeader("Docker-Content-Digest", Digest.Compute(_index).ToString());
            }
            else
            {
                response.StatusCode = url.AbsolutePath == "/v2/" ? 200 : 404;
                body = Array.Empty<byte>();
            }

            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body);
            response.Close();
        }
    }
}
