using System.Linq;
using System.Text;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using Xunit;

namespace OciImage.Core.Tests;

public class ManifestParserTests
{
    // A Docker v2 manifest with pretty-printing and an unknown field: the digest must be over these exact bytes.
    private const string DockerManifest = """
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
           "config": {
              "mediaType": "application/vnd.docker.container.image.v1+json",
              "size": 1469,
              "digest": "sha256:9c7a54a9a43cca047013b82af109fe963fde787f63f9e016fdc3384500c2823d"
           },
           "layers": [
              {
                 "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "size": 2479,
                 "digest": "sha256:c1ec31eb59444d78df06a974d155e597c894ab4cda84f08294145e845394988e"
              }
           ],
           "x-unknown": {"kept": true}
        }
        """;

    private const string OciIndex = """
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
        {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:9c7a54a9a43cca047013b82af109fe963fde787f63f9e016fdc3384500c2823d","size":10,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},
        {"mediaType":"application/vnd.example.unknown","digest":"sha256:c1ec31eb59444d78df06a974d155e597c894ab4cda84f08294145e845394988e","size":3}]}
        """;

    [Fact]
    public void ReadsDockerManifestsKeepingExactBytes()
    {
        var raw = Encoding.UTF8.GetBytes(DockerManifest);
        var manifest = Assert.IsType<ImageManifest>(ManifestParser.Parse(raw, null, "test"));
        Assert.Equal(MediaTypes.DockerManifest, manifest.MediaType);
        Assert.Equal(Digest.Compute(raw), manifest.Digest);
        Assert.Equal(raw, manifest.GetRawBytes());
        Assert.Equal(MediaTypes.DockerLayerGzip, manifest.Layers.Single().MediaType);
        Assert.True(manifest.Extra!.ContainsKey("x-unknown"));
    }

    [Fact]
    public void ReadsIndexesWithPlatformsAndUnknownEntries()
    {
        var index = Assert.IsType<ImageIndex>(ManifestParser.Parse(Encoding.UTF8.GetBytes(OciIndex), null, "test"));
        Assert.Equal(2, index.Manifests.Count);
        Assert.Equal("linux/arm64/v8", index.Manifests[0].Platform!.ToString());
        Assert.Equal("application/vnd.example.unknown", index.Manifests[1].MediaType);
    }

    [Fact]
    public void InfersTheMediaTypeWhenItIsNotDeclared()
    {
        var bare = """{"schemaVersion":2,"manifests":[]}""";
        Assert.Equal(MediaTypes.OciIndex, ManifestParser.Parse(Encoding.UTF8.GetBytes(bare), null, "t").MediaType);
        Assert.Equal(MediaTypes.DockerManifestList, ManifestParser.Parse(Encoding.UTF8.GetBytes(bare), MediaTypes.DockerManifestList, "t").MediaType);
    }

    [Theory]
    [InlineData("not json", "InvalidManifest")]
    [InlineData("[1,2]", "InvalidManifest")]
    [InlineData("{\"schemaVersion\":1,\"name\":\"x\"}", "UnsupportedMediaType")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"digest\":\"sha256:nothex\"}}", "InvalidManifest")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}", "InvalidManifest")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", "UnsupportedMediaType")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{", "InvalidManifest")]
    public void RejectsBadDocuments(string json, string errorId)
    {
        var ex = Assert.ThrowsAny<OciException>(() => ManifestParser.Parse(Encoding.UTF8.GetBytes(json), null, "test"));
        Assert.Equal(errorId, ex.ErrorId);
    }

    [Fact]
    public void RefusesManifestsOverFourMebibytes()
    {
        var raw = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"x\":\"" + new string('a', Manifest.MaxSize) + "\"}");
        Assert.Equal("ManifestTooLarge", Assert.Throws<ManifestTooLargeException>(() => ManifestParser.Parse(raw, null, "t")).ErrorId);
    }

    [Fact]
    public void VerifiesBytesAgainstTheirDescriptor()
    {
        var raw = Encoding.UTF8.GetBytes(DockerManifest);
        var good = new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Compute(raw), Size = raw.Length };
        Assert.Equal(good.Digest, ManifestParser.ParseVerified(raw, good, "t").Digest);

        var wrongDigest = new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Compute(new byte[] { 1 }), Size = raw.Length };
        Assert.Throws<DigestMismatchException>(() => ManifestParser.ParseVerified(raw, wrongDigest, "t"));
        var wrongSize = new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Compute(raw), Size = raw.Length + 1 };
        Assert.Throws<DigestMismatchException>(() => ManifestParser.ParseVerified(raw, wrongSize, "t"));

        // A sha512 descriptor is verified with sha512.
        var sha512 = new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Compute(raw, Digest.Sha512), Size = raw.Length };
        Assert.Equal(Digest.Compute(raw), ManifestParser.ParseVerified(raw, sha512, "t").Digest);
    }

    [Fact]
    public void NewManifestsAreSerialisedOnceAndHashedOverThoseBytes()
    {
        var manifest = OciImage.TestKit.SampleManifests.Tiny("x");
        var raw = manifest.GetRawBytes();
        Assert.Equal(Digest.Compute(raw), manifest.Digest);
        var text = Encoding.UTF8.GetString(raw);
        Assert.StartsWith("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"", text);
        Assert.Contains("\"artifactType\":\"application/vnd.example.test\"", text);
        Assert.DoesNotContain("null", text);
    }
}
