using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Type conversions, accelerators and tab completion, as an interactive user meets them.</summary>
public sealed class ExperienceTests : IClassFixture<LayoutFixture>
{
    private const string Hello = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    private readonly LayoutFixture _fixture;

    public ExperienceTests(LayoutFixture fixture) => _fixture = fixture;

    [Fact]
    public void StringsConvertToDigestsReferencesAndPlatforms()
    {
        using var host = new PowerShellHost();
        Assert.Equal("2cf24dba5fb0", host.RunClean($"([OciDigest]'{Hello}').Short").Single().ToString());
        Assert.True((bool)host.RunClean($"[OciDigest]'{Hello}' -eq '{Hello}'").Single().BaseObject);
        Assert.Equal("docker.io/library/alpine:3.20", host.RunClean("([OciReference]'alpine').WithTag('3.20').ToString()").Single().ToString());
        Assert.Equal($"localhost:5000/app@{Hello}", host.RunClean($"([OciReference]'localhost:5000/app:1').WithTag($null).WithDigest('{Hello}').ToString()").Single().ToString());
        Assert.True((bool)host.RunClean("[OciReference]'localhost:5000/app:1' -eq 'localhost:5000/app:1'").Single().BaseObject);
        Assert.Equal("linux/arm64/v8", host.RunClean("('linux/arm64/v8' -as [OciPlatform]).ToString()").Single().ToString());
        Assert.True((bool)host.RunClean("([OciPlatform]'linux/arm64').Matches([OciPlatform]'linux/arm64/v8')").Single().BaseObject);

        var bad = Assert.Single(host.Run("[OciDigest]'sha256:nope'").Errors);
        Assert.Contains("not a valid digest", bad.ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void PlatformsAndLayoutTagsComplete()
    {
        using var host = new PowerShellHost();
        var platforms = Complete(host, $"Get-OciManifest -Reference 'oci:{_fixture.Layout}:multi' -Platform linux/ar");
        Assert.Equal(new[] { "linux/arm64/v8" }, platforms);
        var common = Complete(host, "Copy-OciImage x y -Platform linux/s3");
        Assert.Equal(new[] { "linux/s390x" }, common);
        var tags = Complete(host, $"Get-OciManifest oci:{_fixture.Layout}:");
        Assert.Equal(new[] { $"oci:{_fixture.Layout}:amd", $"oci:{_fixture.Layout}:arm", $"oci:{_fixture.Layout}:multi" }, tags.OrderBy(t => t));
        Assert.Equal(new[] { "gzip", "none", "zstd" }, Complete(host, "New-OciLayer . -Compression ").OrderBy(c => c));
    }

    private static string[] Complete(PowerShellHost host, string line) =>
        host.RunClean($"(TabExpansion2 -inputScript '{line.Replace("'", "''")}' -cursorColumn {line.Length}).CompletionMatches.CompletionText")
            .Select(o => o.ToString()!.Trim('\'')).ToArray();
}

/// <summary>The Pester suite parses, and the pipelines it relies on bind as it expects.</summary>
public sealed class PesterSuiteTests
{
    [Fact]
    public void PesterFilesParseWithoutErrors()
    {
        var files = System.IO.Directory.GetFiles(System.IO.Path.Combine(RepoPaths.Root, "tests", "Pester"), "*.Tests.ps1");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            System.Management.Automation.Language.Parser.ParseFile(file, out _, out var errors);
            Assert.True(errors.Length == 0, file + ": " + string.Join("; ", errors.Select(e => e.Message)));
        }
    }

    [Fact]
    public void LayersPipeIntoGetOciLayerItem()
    {
        using var host = new PowerShellHost(RepoPaths.Root);
        var items = host.RunClean("Get-OciLayer oci:./tests/data/hello:1.0 | Get-OciLayerItem").Select(i => i.Properties["Path"].Value.ToString());
        Assert.Contains("/app/hello.txt", items);
    }
}
