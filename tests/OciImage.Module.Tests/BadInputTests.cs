using System.IO;
using System.Linq;
using System.Text;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Each kind of bad input gives one ErrorRecord with a stable ErrorId and category, and the pipeline goes on.</summary>
public sealed class BadInputTests : IClassFixture<LayoutFixture>
{
    private readonly LayoutFixture _fixture;

    public BadInputTests(LayoutFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("Get-OciManifest 'Not A Reference!'", "InvalidReference,OciImage.Commands.GetOciManifestCommand", "InvalidArgument")]
    [InlineData("Get-OciManifest 'oci:'", "InvalidReference,OciImage.Commands.GetOciManifestCommand", "InvalidArgument")]
    [InlineData("Get-OciManifest 'oci:/nonexistent/layout:tag'", "LayoutNotFound,OciImage.Commands.GetOciManifestCommand", "ObjectNotFound")]
    [InlineData("Get-OciLayer 'oci:/tmp:latest'", "LayoutNotFound,OciImage.Commands.GetOciLayerCommand", "ObjectNotFound")]
    [InlineData("Get-OciManifest 'oci:/tmp/x@sha256:abc'", "InvalidReference,OciImage.Commands.GetOciManifestCommand", "InvalidArgument")]
    [InlineData("Get-OciManifest 'oci:/tmp/x:1' -Platform 'linux'", "InvalidPlatform,OciImage.Commands.GetOciManifestCommand", "InvalidArgument")]
    [InlineData("Get-OciDigest -LiteralPath '/nonexistent/file'", "FileNotFound,OciImage.Commands.GetOciDigestCommand", "ObjectNotFound")]
    [InlineData("Get-OciDigest -LiteralPath '/tmp'", "PathIsDirectory,OciImage.Commands.GetOciDigestCommand", "InvalidArgument")]
    [InlineData("Get-OciTag '127.0.0.1:1/repo' -MaximumRetryCount 0", "RegistryUnreachable,OciImage.Commands.GetOciTagCommand", "ConnectionError")]
    public void MalformedInputGivesAStableError(string script, string errorId, string category)
    {
        using var host = new PowerShellHost();
        var result = host.Run(script);
        var error = Assert.Single(result.Errors);
        Assert.Equal(errorId, error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category.ToString());
        Assert.Empty(result.Output);
        Assert.DoesNotContain("   at ", error.ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void MissingTagNamesTheTagsThatExist()
    {
        using var host = new PowerShellHost();
        var error = Assert.Single(host.Run($"Get-OciManifest 'oci:{_fixture.Layout}:nope'").Errors);
        Assert.Equal("ManifestUnknown,OciImage.Commands.GetOciManifestCommand", error.FullyQualifiedErrorId);
        Assert.Equal("ObjectNotFound", error.CategoryInfo.Category.ToString());
        Assert.Contains("amd", error.ToString());
    }

    [ToolFact("umoci", "skopeo")]
    public void LayoutWithSeveralImagesNeedsATag()
    {
        using var host = new PowerShellHost();
        var error = Assert.Single(host.Run($"Get-OciManifest 'oci:{_fixture.Layout}'").Errors);
        Assert.Equal("AmbiguousReference,OciImage.Commands.GetOciManifestCommand", error.FullyQualifiedErrorId);

        // A layout with one image needs neither tag nor digest.
        Assert.Single(host.RunClean($"Get-OciManifest 'oci:{_fixture.SkopeoLayout}'"));
    }

    [ToolFact("umoci", "skopeo")]
    public void BadReferenceInThePipelineDoesNotStopTheGoodOnes()
    {
        using var host = new PowerShellHost();
        var result = host.Run($"'oci:{_fixture.Layout}:amd', 'bad ref', 'oci:{_fixture.Layout}:arm' | Get-OciManifest");
        Assert.Equal(2, result.Output.Count);
        Assert.Equal("InvalidReference,OciImage.Commands.GetOciManifestCommand", Assert.Single(result.Errors).FullyQualifiedErrorId);
    }

    [ToolFact("umoci", "skopeo")]
    public void CorruptContentIsRefusedWithoutWritingAnything()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("layout");
        CopyDirectory(_fixture.Layout, layout);
        var before = Directory.GetFiles(layout, "*", SearchOption.AllDirectories).Length;

        // A config blob whose bytes no longer match its digest.
        var config = System.Text.Json.JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{layout}:arm"))
            .RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        var configPath = Path.Combine(layout, "blobs", "sha256", config.Substring(7));
        File.WriteAllText(configPath, "{\"tampered\":true}" + new string(' ', 10));

        // A manifest that is not JSON, one that is cut short, and one over 4 MiB, each under a tag with its true digest.
        Plant(layout, "garbage", Encoding.UTF8.GetBytes("this is not json"));
        Plant(layout, "truncated", Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"));
        Plant(layout, "huge", Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"annotations\":{\"x\":\"" + new string('a', 4 * 1024 * 1024) + "\"}}"));

        using var host = new PowerShellHost();
        var cases = new (string Script, string ErrorId, string Category)[]
        {
            ($"Get-OciImageConfig 'oci:{layout}:arm'", "DigestMismatch,OciImage.Commands.GetOciImageConfigCommand", "InvalidData"),
            ($"Get-OciManifest 'oci:{layout}:garbage'", "InvalidManifest,OciImage.Commands.GetOciManifestCommand", "InvalidData"),
            ($"Get-OciManifest 'oci:{layout}:truncated'", "InvalidManifest,OciImage.Commands.GetOciManifestCommand", "InvalidData"),
            ($"Get-OciManifest 'oci:{layout}:huge'", "ManifestTooLarge,OciImage.Commands.GetOciManifestCommand", "LimitsExceeded"),
        };
        foreach (var (script, errorId, category) in cases)
        {
            var error = Assert.Single(host.Run(script).Errors);
            Assert.Equal(errorId, error.FullyQualifiedErrorId);
            Assert.Equal(category, error.CategoryInfo.Category.ToString());
        }

        // A manifest whose bytes were swapped after it was listed.
        var armManifest = ReferenceImages.SkopeoDigest(layout, "amd").Substring(7);
        File.AppendAllText(Path.Combine(layout, "blobs", "sha256", armManifest), " ");
        var swapped = Assert.Single(host.Run($"Get-OciManifest 'oci:{layout}:amd'").Errors);
        Assert.Equal("DigestMismatch,OciImage.Commands.GetOciManifestCommand", swapped.FullyQualifiedErrorId);

        Assert.Equal(before + 3, Directory.GetFiles(layout, "*", SearchOption.AllDirectories).Length);
    }

    private static void Plant(string layout, string tag, byte[] bytes)
    {
        var digest = ReferenceImages.WriteBlob(layout, bytes);
        ReferenceImages.AddEntry(layout, tag, "application/vnd.oci.image.manifest.v1+json", digest, bytes.Length);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to));
        }
    }
}
