using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Copy;
using OciImage.Core.Images;
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
/// Red team 10: a referrers listing is no proof. A registry without the referrers API keeps it in a fallback tag
/// (sha256-HEX) that anyone who can push writes; a hostile registry answers what it likes. A listed manifest whose
/// subject is not the image (a plain image, the subject itself, another image's referrer) is not copied as the
/// image's referrer, and a mirror does not plan an update for it (it would be "missing" at every run).
/// </summary>
public sealed class ForeignReferrerListingTests : IDisposable
{
    private readonly TempDirectory _temp = new("foreignref");

    public void Dispose() => _temp.Dispose();

    [ToolFact("docker-registry")]
    public void AListedManifestWhoseSubjectIsAnotherIsNeitherCopiedNorPlanned()
    {
        using var registry = new RegistryServer();
        using var store = TestClients.Store(registry.Host, "team/app");
        var image = Image(store, "1", "the image's layer");
        var other = Image(store, "other", "another image's layer");
        var elsewhere = Referrer(store, other, "application/vnd.example.sbom");
        var genuine = Referrer(store, image, "application/vnd.example.signature");

        // The fallback tag lists the genuine referrer, a plain image, the subject itself and another image's referrer.
        var listing = ReferrerIndex.With(new[] { ReferrerIndex.DescriptorOf(genuine), ReferrerIndex.DescriptorOf(other), ReferrerIndex.DescriptorOf(image) }, ReferrerIndex.DescriptorOf(elsewhere));
        store.PutManifestAsync(listing, ReferrerIndex.FallbackTag(image.Digest), CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(4, Referrers.ListAsync(store, image.Digest, CancellationToken.None).GetAwaiter().GetResult().Count);

        var log = new WarningLog();
        var context = new StoreContext(new RegistrySessions { DockerConfigPath = null }, null, log);
        var destination = _temp.Combine("dst");
        var copy = CopyVerb.CopyAsync(Reference.Parse($"{registry.Host}/team/app:1"), Reference.Parse($"oci:{destination}:1"), new CopyOptions { IncludeReferrers = true }, context, context, null, CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(1, copy.ReferrersCopied);
        Assert.Equal(3, log.Warnings.Count(w => w.Contains("is listed as a referrer of", StringComparison.Ordinal)));

        using (var layout = OciLayoutStore.OpenOrCreate(destination))
        {
            var held = Referrers.ListAsync(layout, image.Digest, CancellationToken.None).GetAwaiter().GetResult();
            Assert.Equal(genuine.Digest, Assert.Single(held).Digest);
            Assert.False(layout.HasBlobAsync(other.ToDescriptor(), CancellationToken.None).GetAwaiter().GetResult(), "a plain image listed as a referrer was copied");
            Assert.False(layout.HasBlobAsync(elsewhere.ToDescriptor(), CancellationToken.None).GetAwaiter().GetResult(), "another image's referrer was copied");
        }

        // Mirrored again: nothing is missing, so nothing is planned.
        var mapping = new SyncMapping { Source = Reference.Parse($"{registry.Host}/team/app:1"), Destination = Reference.Parse($"oci:{destination}"), IncludeReferrers = true };
        var plan = SyncVerb.PlanAsync(mapping, new SyncRun(), null, 1, context, context, CancellationToken.None).GetAwaiter().GetResult();
        var item = Assert.Single(plan);
        Assert.True(item.Action == SyncAction.UpToDate, $"planned {item.Action}: {item.Reason}");
    }

    private static Manifest Image(RegistryStore store, string tag, string layer)
    {
        var blob = TestImages.PutBlob(store, Encoding.ASCII.GetBytes(layer), MediaTypes.OciLayer);
        return TestImages.Push(store, tag, new[] { TestImages.Layer.Uncompressed(blob) }, new TestImages.Settings());
    }

    /// <summary>An artifact whose subject is <paramref name="subject"/>, stored untagged.</summary>
    private static Manifest Referrer(RegistryStore store, Manifest subject, string artifactType)
    {
        var blob = TestImages.PutBlob(store, Encoding.ASCII.GetBytes(artifactType + " of " + subject.Digest), "application/octet-stream");
        var manifest = ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciManifest,
            ArtifactType = artifactType,
            Config = TestImages.PutBlob(store, Encoding.ASCII.GetBytes("{}"), "application/vnd.oci.empty.v1+json"),
            Layers = new List<Descriptor> { blob },
            Subject = subject.ToDescriptor(),
        });
        store.PutManifestAsync(manifest, null, CancellationToken.None).GetAwaiter().GetResult();
        return manifest;
    }

    private sealed class WarningLog : IEngineLog
    {
        public List<string> Warnings { get; } = new();

        public void Verbose(string message)
        {
        }

        public void Warning(string message)
        {
            lock (Warnings)
            {
                Warnings.Add(message);
            }
        }
    }
}
