using OciImage.Core;
using OciImage.Core.Errors;
using OciImage.Core.Transports;
using Xunit;

namespace OciImage.Core.Tests;

public class ReferenceTests
{
    private const string D = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Theory]
    [InlineData("ubuntu", "docker.io", "library/ubuntu", null, "docker.io/library/ubuntu")]
    [InlineData("ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", "docker.io/library/ubuntu:22.04")]
    [InlineData("docker.io/library/ubuntu", "docker.io", "library/ubuntu", null, "docker.io/library/ubuntu")]
    [InlineData("index.docker.io/user/app:v1", "docker.io", "user/app", "v1", "docker.io/user/app:v1")]
    [InlineData("user/app", "docker.io", "user/app", null, "docker.io/user/app")]
    [InlineData("localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0", "localhost:5000/team/app:1.0")]
    [InlineData("localhost/app", "localhost", "app", null, "localhost/app")]
    [InlineData("ghcr.io/org/sub/app:latest", "ghcr.io", "org/sub/app", "latest", "ghcr.io/org/sub/app:latest")]
    [InlineData("127.0.0.1:5000/a_b__c-d.e", "127.0.0.1:5000", "a_b__c-d.e", null, "127.0.0.1:5000/a_b__c-d.e")]
    [InlineData("[::1]:5000/app", "[::1]:5000", "app", null, "[::1]:5000/app")]
    [InlineData("docker://quay.io/x/y:z", "quay.io", "x/y", "z", "quay.io/x/y:z")]
    public void ParsesRegistryReferences(string text, string registry, string repository, string? tag, string canonical)
    {
        var reference = Reference.Parse(text);
        Assert.Same(TransportTable.Registry, reference.Transport);
        Assert.Equal(registry, reference.Registry);
        Assert.Equal(repository, reference.Repository);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(canonical, reference.ToString());
        Assert.Equal(reference, Reference.Parse(reference.ToString()));
    }

    [Fact]
    public void ParsesDigestsAndDockerHubEndpoint()
    {
        var reference = Reference.Parse("alpine:3.20@" + D);
        Assert.Equal("3.20", reference.Tag);
        Assert.Equal(D, reference.Digest.ToString());
        Assert.Equal(D, reference.RegistryIdentifier);
        Assert.Equal("registry-1.docker.io", reference.RegistryEndpointHost);
        Assert.Equal("latest", Reference.Parse("alpine").RegistryIdentifier);
    }

    [Theory]
    [InlineData("oci:./layout", "./layout", null, false)]
    [InlineData("oci:/data/layout:v1.2", "/data/layout", "v1.2", false)]
    [InlineData("oci:layout@" + D, "layout", null, true)]
    [InlineData("oci:layout:tag@" + D, "layout", "tag", true)]
    [InlineData(@"oci:C:\images\layout:prod", @"C:\images\layout", "prod", false)]
    [InlineData(@"oci:C:\images\layout", @"C:\images\layout", null, false)]
    [InlineData("oci:../a.b/c", "../a.b/c", null, false)]
    [InlineData("oci:./l:docker.io/library/app:1.0", "./l", "docker.io/library/app:1.0", false)]
    [InlineData("oci:/srv/l:localhost/team/app@v2+build.7", "/srv/l", "localhost/team/app@v2+build.7", false)]
    [InlineData("oci:/srv/l:quay.io/team/app:2.0@" + D, "/srv/l", "quay.io/team/app:2.0", true)]
    [InlineData(@"oci:C:\images\layout:docker.io/library/app:1.0", @"C:\images\layout", "docker.io/library/app:1.0", false)]
    [InlineData("oci:lay:a--b", "lay", "a--b", false)]
    public void ParsesLayoutReferences(string text, string path, string? tag, bool hasDigest)
    {
        var reference = Reference.Parse(text);
        Assert.True(reference.IsLayout);
        Assert.Equal(path, reference.LayoutPath);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(hasDigest, reference.Digest is not null);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Ubuntu")]
    [InlineData("docker.io/Library/ubuntu")]
    [InlineData("ubuntu:bad tag")]
    [InlineData("ubuntu:-bad")]
    [InlineData("ubuntu@sha256:short")]
    [InlineData("a//b")]
    [InlineData("a/b/")]
    [InlineData(":tag")]
    [InlineData("repo--")]
    [InlineData("oci:")]
    [InlineData("oci::tag")]
    [InlineData("oci:dir:bad*tag")]
    [InlineData("oci:dir@sha256:zz")]
    [InlineData("oci:dir:app:")]
    [InlineData("oci:dir:/app")]
    [InlineData("oci:dir:app//x")]
    [InlineData("oci:dir:")]
    public void RejectsMalformedReferencesClearly(string text)
    {
        var ex = Assert.Throws<InvalidReferenceException>(() => Reference.Parse(text));
        Assert.Equal("InvalidReference", ex.ErrorId);
        Assert.Contains("not a valid image reference", ex.Message);
    }

    [Theory]
    [InlineData("oci-archive:./images.tar", "oci-archive", "./images.tar", null)]
    [InlineData("oci-archive:/m/images.tar:docker.io/library/app:1.0", "oci-archive", "/m/images.tar", "docker.io/library/app:1.0")]
    [InlineData("docker-archive:app.tar", "docker-archive", "app.tar", null)]
    [InlineData("docker-archive:app.tar:example/app:1.0", "docker-archive", "app.tar", "example/app:1.0")]
    public void ParsesArchiveReferencesAsSkopeoNamesThem(string text, string transport, string path, string? name)
    {
        var reference = Reference.Parse(text);
        Assert.Equal(transport, reference.Transport.Name);
        Assert.True(reference.IsArchive && reference.IsLocal && !reference.IsLayout);
        Assert.Equal(path, reference.LayoutPath);
        Assert.Equal(name, reference.Tag);
        Assert.Equal(text, reference.ToString());
    }

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("_private", "_private")]
    [InlineData("docker.io/library/app:1.0", "1.0")]
    [InlineData("localhost/app:2", "2")]
    [InlineData("localhost:5000/app:3", "3")]
    [InlineData("localhost/app", null)]
    [InlineData("app@v2+build", null)]
    public void ALayoutNameGivesTheTagARegistryTakes(string name, string? tag)
    {
        Assert.True(Reference.IsLayoutName(name));
        Assert.Equal(tag, Reference.TagOfLayoutName(name));
    }

    [Fact]
    public void RejectsNamesOverTheLengthLimit()
    {
        Assert.Throws<InvalidReferenceException>(() => Reference.Parse("example.com/" + new string('a', 300)));
    }

    [Fact]
    public void WithTagAndWithDigestReturnNewReferences()
    {
        var repo = Reference.Parse("localhost:5000/app");
        var tagged = repo.WithTag("v2");
        Assert.Equal("localhost:5000/app:v2", tagged.ToString());
        Assert.Equal("localhost:5000/app", repo.ToString());
        Assert.Equal("localhost:5000/app:v2@" + D, tagged.WithDigest(Digest.Parse(D)).ToString());
        Assert.Equal("localhost:5000/app", tagged.WithDigest(Digest.Parse(D)).WithoutIdentifier().ToString());
        Assert.Throws<InvalidReferenceException>(() => repo.WithTag("no good"));
        Assert.True(tagged.Equals((object)"localhost:5000/app:v2"));
    }
}
