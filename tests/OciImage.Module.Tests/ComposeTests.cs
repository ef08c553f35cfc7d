using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>New-OciImage, Add-OciLayer, Set-OciImageConfig, New-OciIndex, Get-OciReferrer; skopeo and umoci referee.</summary>
public sealed class ComposeTests : IClassFixture<RegistryImages>
{
    private readonly RegistryImages _images;

    public ComposeTests(RegistryImages images) => _images = images;

    [ToolFact("umoci", "skopeo")]
    public async Task AnImageFromAFolderIsReadByTheToolsAndValidAgainstTheSchemas()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("site"));
        var layout = temp.Combine("oci");
        using var host = new PowerShellHost();
        var script = $"New-OciLayer '{tree}' -Destination /srv -Layout '{layout}' | New-OciImage -Layout '{layout}' -Tag site " +
            "-Entrypoint '/srv/app/main.sh' -Command '--serve' -Environment @{ PORT = '8080'; MODE = 'prod' } -WorkingDirectory /srv -User 1000 " +
            "-Label @{ 'org.example.team' = 'ops' } -ExposedPort 8080, 53/udp -Volume /data -StopSignal SIGTERM -Annotation @{ 'org.example.note' = 'x' } -Platform linux/arm64/v8";
        var manifest = host.RunClean(script).Single();
        var digest = manifest.Properties["Digest"].Value.ToString();
        Assert.Equal(digest, ReferenceImages.SkopeoDigest(layout, "site"));
        Assert.Equal($"oci:{layout}:site@{digest}", manifest.Properties["Reference"].Value.ToString());

        var config = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"oci:{layout}:site")).RootElement;
        Assert.Equal("arm64", config.GetProperty("architecture").GetString());
        Assert.Equal("v8", config.GetProperty("variant").GetString());
        Assert.Equal("/srv/app/main.sh", config.GetProperty("config").GetProperty("Entrypoint")[0].GetString());
        Assert.Contains("PORT=8080", config.GetProperty("config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.True(config.GetProperty("config").GetProperty("ExposedPorts").TryGetProperty("53/udp", out _));
        Assert.Equal("1970-01-01T00:00:00Z", config.GetProperty("created").GetString());
        var history = config.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        Assert.True(history[0].GetProperty("empty_layer").GetBoolean());
        Assert.StartsWith("New-OciLayer site /srv", history[1].GetProperty("created_by").GetString());

        var bundle = temp.Combine("bundle");
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:site", bundle);
        TreeAssert.Same(tree, Path.Combine(bundle, "rootfs", "srv"));

        if (Directory.Exists(RepoPaths.SchemaFolder))
        {
            Assert.Empty(await SchemaValidator.ValidateAsync(SchemaValidator.Manifest, ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{layout}:site")));
            Assert.Empty(await SchemaValidator.ValidateAsync(SchemaValidator.Config, ExternalTool.Run("skopeo", "inspect", "--config", "--raw", $"oci:{layout}:site")));
            Assert.Empty(await SchemaValidator.ValidateAsync(SchemaValidator.Index, File.ReadAllText(Path.Combine(layout, "index.json"))));
            Assert.Empty(await SchemaValidator.ValidateAsync(SchemaValidator.Layout, File.ReadAllText(Path.Combine(layout, "oci-layout"))));
        }

        // The same inputs and -Created give the same digest; another -Created gives another.
        var again = host.RunClean($"New-OciLayer '{tree}' -Destination /srv -Layout '{temp.Combine("oci2")}' | New-OciImage -Layout '{temp.Combine("oci2")}' -Tag site " +
            "-Entrypoint '/srv/app/main.sh' -Command '--serve' -Environment @{ PORT = '8080'; MODE = 'prod' } -WorkingDirectory /srv -User 1000 " +
            "-Label @{ 'org.example.team' = 'ops' } -ExposedPort 8080, 53/udp -Volume /data -StopSignal SIGTERM -Annotation @{ 'org.example.note' = 'x' } -Platform linux/arm64/v8").Single();
        Assert.Equal(digest, again.Properties["Digest"].Value.ToString());
    }

    [ToolFact("umoci", "skopeo", "docker-registry", "htpasswd")]
    public void BaseImagesAddLayersAndMutations()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("oci");
        var tree = SampleTrees.Make(temp.Combine("site"));
        using var host = new PowerShellHost();
        var baseRef = $"oci:{_images.Layout}:multi";
        var built = host.RunClean($"New-OciLayer '{tree}' -Destination /extra -Layout '{layout}' | New-OciImage -Layout '{layout}' -Tag app -Base '{baseRef}' -Platform linux/arm64 -Environment @{{ EXTRA = '1' }}").Single();
        var config = host.RunClean($"Get-OciImageConfig oci:{layout}:app").Single();
        Assert.Contains("GREETING=hello", (string[])config.Properties["Environment"].Value);
        Assert.Contains("EXTRA=1", (string[])config.Properties["Environment"].Value);
        Assert.Equal(new[] { "/app/run" }, (string[])config.Properties["Entrypoint"].Value);
        var layers = host.RunClean($"Get-OciLayer oci:{layout}:app").Select(l => l.Properties["Digest"].Value.ToString()).ToList();
        Assert.Equal(2, layers.Count);
        Assert.Equal(ReferenceImages.SkopeoLayers(_images.Layout, "v2")[0], layers[0]);

        // Set-OciImageConfig: new config and manifest, same layers, tag moved; -WhatIf writes nothing.
        var before = ReferenceImages.SkopeoDigest(layout, "app");
        host.RunClean($"Set-OciImageConfig oci:{layout}:app -Entrypoint '/bin/sh' -WhatIf");
        Assert.Equal(before, ReferenceImages.SkopeoDigest(layout, "app"));
        host.RunClean($"Set-OciImageConfig oci:{layout}:app -Entrypoint '/bin/sh' -Label @{{ 'a' = 'b' }}");
        Assert.NotEqual(before, ReferenceImages.SkopeoDigest(layout, "app"));
        Assert.Equal(layers, host.RunClean($"Get-OciLayer oci:{layout}:app").Select(l => l.Properties["Digest"].Value.ToString()));
        Assert.Equal("ENTRYPOINT [\"/bin/sh\"]; LABEL a=b", host.RunClean($"(Get-OciImageConfig oci:{layout}:app).History[-1].CreatedBy").Single().ToString());

        // Add-OciLayer appends and retags.
        var more = temp.Combine("more");
        Directory.CreateDirectory(more);
        File.WriteAllText(Path.Combine(more, "x.txt"), "x");
        host.RunClean($"New-OciLayer '{more}' -Destination /more -Layout '{layout}' | Add-OciLayer oci:{layout}:app");
        Assert.Equal(3, host.RunClean($"Get-OciLayer oci:{layout}:app").Count);
        ExternalTool.Run("umoci", "unpack", "--rootless", "--image", $"{layout}:app", temp.Combine("bundle"));
        Assert.True(File.Exists(temp.Combine("bundle", "rootfs", "more", "x.txt")));
        Assert.True(File.Exists(temp.Combine("bundle", "rootfs", "app", "hello.txt")));

        // To a registry, on a base in another repository of the same registry: pushed, readable by skopeo.
        var registry = _images.Registries[RegistryAuth.None];
        var pushed = host.RunClean($"New-OciLayer '{more}' -Destination /more | New-OciImage {registry.Host}/composed/app:1 -Base {registry.Host}/team/app:v1").Single();
        var inspected = ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Host}/composed/app:1");
        Assert.Contains(pushed.Properties["Digest"].Value.ToString()!, inspected);

        // Docker media types on request.
        var docker = host.RunClean($"New-OciImage {registry.Host}/composed/app:docker -Base {registry.Host}/team/app:v1 -MediaTypeStyle Docker -User nobody").Single();
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", docker.Properties["MediaType"].Value);
        Assert.Contains("application/vnd.docker.distribution.manifest.v2+json", ExternalTool.Run("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/composed/app:docker"));
        _ = built;
    }

    [ToolFact("umoci", "skopeo", "docker-registry", "htpasswd")]
    public void IndexesOfImagesInALayoutAndARegistry()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("oci");
        var tree = SampleTrees.Make(temp.Combine("site"));
        using var host = new PowerShellHost();
        host.RunClean($"$l = New-OciLayer '{tree}' -Layout '{layout}'; " +
            $"$a = $l | New-OciImage -Layout '{layout}' -Tag amd -Platform linux/amd64; " +
            $"$b = $l | New-OciImage -Layout '{layout}' -Tag arm -Platform linux/arm64/v8; " +
            $"$null = $a, $b | New-OciIndex -Layout '{layout}' -Tag multi");
        var raw = JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--raw", $"oci:{layout}:multi")).RootElement;
        Assert.Equal("application/vnd.oci.image.index.v1+json", raw.GetProperty("mediaType").GetString());
        Assert.Equal(2, raw.GetProperty("manifests").GetArrayLength());
        Assert.Contains("\"Architecture\": \"arm64\"", ExternalTool.Run("skopeo", "--override-arch", "arm64", "inspect", $"oci:{layout}:multi"));

        // Edit: drop a platform from the index.
        var edited = host.RunClean($"New-OciIndex -Layout '{layout}' -Tag amd-only -Base oci:{layout}:multi -RemovePlatform linux/arm64").Single();
        Assert.Equal(new[] { "linux/amd64" }, (string[])edited.Properties["Platforms"].Value);

        // Push the images to a registry, then the index there; skopeo picks each platform.
        var registry = _images.Registries[RegistryAuth.None];
        var repo = $"{registry.Host}/indexed/app";
        foreach (var tag in new[] { "amd", "arm" })
        {
            ExternalTool.Run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{layout}:{tag}", $"docker://{repo}:{tag}");
        }

        var index = host.RunClean($"'{repo}:amd', '{repo}:arm' | New-OciIndex {repo}:multi").Single();
        var pushedRaw = System.Text.Encoding.UTF8.GetBytes(ExternalTool.Run("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{repo}:multi"));
        Assert.Equal(index.Properties["Digest"].Value.ToString(), "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(pushedRaw)).ToLowerInvariant());
        Assert.Contains("\"Architecture\": \"arm64\"", ExternalTool.Run("skopeo", "--override-arch", "arm64", "inspect", "--tls-verify=false", $"docker://{repo}:multi"));
        Assert.Contains("\"Architecture\": \"amd64\"", ExternalTool.Run("skopeo", "--override-arch", "amd64", "inspect", "--tls-verify=false", $"docker://{repo}:multi"));
    }

    [ToolFact("umoci", "skopeo", "docker-registry", "htpasswd")]
    public void ArtifactsReferToImagesInLayoutsAndRegistries()
    {
        using var temp = new TempDirectory();
        var sbom = temp.Combine("sbom.spdx.json");
        File.WriteAllText(sbom, "{\"spdxVersion\":\"SPDX-2.3\"}");
        using var host = new PowerShellHost();

        var layout = temp.Combine("oci");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_images.Layout}:v1", $"oci:{layout}:app");
        host.RunClean($"New-OciImage oci:{layout}:app-sbom -ArtifactType application/spdx+json -Subject oci:{layout}:app -File '{sbom}' -FileMediaType application/spdx+json");
        var referrer = host.RunClean($"Get-OciReferrer oci:{layout}:app").Single();
        Assert.Equal("application/spdx+json", referrer.Properties["ArtifactType"].Value);
        Assert.Empty(host.RunClean($"Get-OciReferrer oci:{layout}:app -ArtifactType application/vnd.other"));

        var registry = _images.Registries[RegistryAuth.None];
        var repo = $"{registry.Host}/referred/app";
        ExternalTool.Run("skopeo", "copy", "--quiet", "--dest-tls-verify=false", $"oci:{_images.Layout}:v1", $"docker://{repo}:v1");
        host.RunClean($"New-OciImage {repo}:sbom -ArtifactType application/spdx+json -Subject {repo}:v1 -File '{sbom}' -FileMediaType application/spdx+json");
        host.RunClean($"New-OciImage {repo}:sig -ArtifactType application/vnd.example.signature -Subject {repo}:v1");
        var referrers = host.RunClean($"Get-OciReferrer {repo}:v1");
        Assert.Equal(new[] { "application/spdx+json", "application/vnd.example.signature" }, referrers.Select(r => r.Properties["ArtifactType"].Value.ToString()).OrderBy(t => t));
        var subject = ReferenceImages.SkopeoDigest(_images.Layout, "v1").Replace(":", "-");
        Assert.Contains("application/vnd.oci.image.index.v1+json", ExternalTool.Run("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{repo}:{subject}"));
    }

    [ToolFact("umoci", "skopeo")]
    public void BadCompositionInputMovesNoTag()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("oci");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_images.Layout}:v1", $"oci:{layout}:app");
        var before = File.ReadAllText(Path.Combine(layout, "index.json"));
        using var host = new PowerShellHost();
        var cases = new (string Script, string ErrorId)[]
        {
            ($"Set-OciImageConfig oci:{layout}:app -Environment @{{ PORT = 8080 }}", "InvalidMapValue,OciImage.Commands.SetOciImageConfigCommand"),
            ($"New-OciImage oci:{layout}:new -Base oci:{layout}:missing", "ManifestUnknown,OciImage.Commands.NewOciImageCommand"),
            ($"New-OciImage oci:{layout}:new -Base oci:{_images.Layout}:multi -Platform linux/s390x", "PlatformNotFound,OciImage.Commands.NewOciImageCommand"),
            ($"$l = New-OciLayer '{SampleTrees.Make(temp.Combine("t"))}' -OutputDirectory '{temp.Combine("blobs")}'; [System.IO.File]::Delete($l.BlobPath); $l | New-OciImage oci:{layout}:new", "BlobUnknown,OciImage.Commands.NewOciImageCommand"),
        };
        foreach (var (script, errorId) in cases)
        {
            var result = host.Run(script);
            Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId == errorId);
        }

        Assert.Equal(before, File.ReadAllText(Path.Combine(layout, "index.json")));
    }
}
