using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using Xunit;

namespace OciImage.Desktop.Tests;

/// <summary>Digests, references and manifests: the engine's value types on a .NET Framework-compatible runtime.</summary>
public class DesktopEngineTests
{
    [Fact]
    public void RunsOnAFrameworkCompatibleRuntimeNotOnDotNet()
    {
        // Mono says "Mono 6.x", .NET Framework ".NET Framework 4.8.x"; .NET would say ".NET 8.0.x" and prove nothing.
        var runtime = RuntimeInformation.FrameworkDescription;
        Assert.True(runtime.StartsWith("Mono ", System.StringComparison.Ordinal) || runtime.StartsWith(".NET Framework", System.StringComparison.Ordinal), runtime);
        Assert.Equal(4, System.Environment.Version.Major);
    }

    [Fact]
    public void DigestsAreComputedAndParsedAsOnDotNet()
    {
        Assert.Equal("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", Digest.Compute(Encoding.ASCII.GetBytes("hello")).ToString());
        Assert.Equal("sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
            Digest.Compute(Encoding.ASCII.GetBytes("hello"), Digest.Sha512).ToString());
        var parsed = Digest.Parse("sha256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824".ToLowerInvariant());
        Assert.Equal(Digest.Compute(Encoding.ASCII.GetBytes("hello")), parsed);
        var error = Assert.Throws<InvalidDigestException>(() => Digest.Parse("sha256:abc"));
        Assert.Equal("InvalidDigest", error.ErrorId);
    }

    [Theory]
    [InlineData("alpine", "docker.io", "library/alpine", "latest")]
    [InlineData("ghcr.io/org/app:1.2", "ghcr.io", "org/app", "1.2")]
    [InlineData("localhost:5000/team/app:v1", "localhost:5000", "team/app", "v1")]
    public void RegistryReferencesParseAsOnDotNet(string text, string registry, string repository, string identifier)
    {
        var reference = Reference.Parse(text);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(identifier, reference.RegistryIdentifier);
    }

    [Fact]
    public void LayoutReferencesAndBadInputParseAsOnDotNet()
    {
        var layout = Reference.Parse("oci:./images:docker.io/library/app:1.0@sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        Assert.Equal("./images", layout.LayoutPath);
        Assert.Equal("docker.io/library/app:1.0", layout.Tag);
        Assert.NotNull(layout.Digest);
        Assert.Equal("InvalidReference", Assert.Throws<InvalidReferenceException>(() => Reference.Parse("UPPER/Case")).ErrorId);
        Assert.Equal("InvalidReference", Assert.Throws<InvalidReferenceException>(() => Reference.Parse("/a/file/path")).ErrorId);
    }

    [Fact]
    public void ManifestsKeepTheirExactBytesAndHostileOnesAreRefused()
    {
        var raw = Encoding.UTF8.GetBytes("""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":3,"digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":5,"digest":"sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}],
             "x-unknown":{"kept":true}}
            """);
        var manifest = Assert.IsType<ImageManifest>(ManifestParser.Parse(raw, null, "test"));
        Assert.Equal(Digest.Compute(raw), manifest.Digest);
        Assert.Equal(raw, manifest.GetRawBytes());
        Assert.Equal(5, manifest.Layers.Single().Size);
        Assert.True(manifest.Extra!.ContainsKey("x-unknown"));
        var bad = Encoding.UTF8.GetBytes("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"size":-1}}""");
        Assert.Equal("InvalidManifest", Assert.Throws<InvalidManifestException>(() => ManifestParser.Parse(bad, null, "test")).ErrorId);
    }
}
