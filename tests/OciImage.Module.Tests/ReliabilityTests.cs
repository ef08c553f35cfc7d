using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Test-OciImage as an oracle, concurrent copies, and secrets in every stream of the writing cmdlets.</summary>
public sealed class ReliabilityTests : IClassFixture<RegistryImages>
{
    private readonly RegistryImages _images;

    public ReliabilityTests(RegistryImages images) => _images = images;

    private string Plain => _images.Registries[RegistryAuth.None].Host;

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public void TestOciImageFindsWhatIsWrong()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var good = host.RunClean($"Test-OciImage oci:{_images.Layout}:multi, {Plain}/team/app:multi -Deep");
        Assert.All(good, r => Assert.True((bool)r.Properties["IsValid"].Value, string.Join("; ", (string[])r.Properties["Problems"].Value)));
        Assert.True((bool)host.RunClean($"Test-OciImage oci:{_images.Layout}:v1 -Quiet").Single().BaseObject);

        // A layer with other bytes.
        var layout = temp.Combine("tampered");
        ExternalTool.Run("skopeo", "copy", "--quiet", $"oci:{_images.Layout}:v1", $"oci:{layout}:v1");
        var layer = ReferenceImages.SkopeoLayers(layout, "v1").Single();
        File.WriteAllText(Path.Combine(layout, "blobs", "sha256", layer.Substring(7)), "not the layer");
        var bad = host.RunClean($"Test-OciImage oci:{layout}:v1").Single();
        Assert.False((bool)bad.Properties["IsValid"].Value);
        Assert.Contains(((string[])bad.Properties["Problems"].Value), p => p.Contains(layer));

        // A config whose DiffID does not match its layer: only -Deep can tell.
        var lying = temp.Combine("lying");
        var tar = new HostileTar().File("a.txt", "a").ToArray();
        var added = TestImages.AddTarLayer(lying, tar);
        TestImages.Compose(lying, "x", new[] { added with { DiffId = "sha256:" + new string('0', 64) } });
        Assert.True((bool)host.RunClean($"Test-OciImage oci:{lying}:x -Quiet").Single().BaseObject);
        var deep = host.RunClean($"Test-OciImage oci:{lying}:x -Deep").Single();
        Assert.Contains(((string[])deep.Properties["Problems"].Value), p => p.Contains("DiffID"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task EightParallelCopiesIntoOneLayoutAndOneRepositoryLoseNothing()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("shared");
        var sources = new[] { "v1", "v2", "multi" };
        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            using var host = new PowerShellHost();
            var tag = sources[i % sources.Length];
            host.RunClean($"Copy-OciImage {Plain}/team/app:{tag} oci:{layout}:copy-{i}");
            host.RunClean($"Copy-OciImage oci:{_images.Layout}:{tag} {Plain}/parallel/app:copy-{i}");
        })).ToArray();
        await Task.WhenAll(tasks);

        using var check = new PowerShellHost();
        var tags = check.RunClean($"Get-OciTag oci:{layout}").Select(t => t.Properties["Tag"].Value.ToString()).OrderBy(t => t).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"copy-{i}").OrderBy(t => t), tags);
        Assert.All(check.RunClean($"Get-OciTag oci:{layout} | Test-OciImage -Deep"), r => Assert.True((bool)r.Properties["IsValid"].Value));
        Assert.Equal(8, check.RunClean($"Get-OciTag {Plain}/parallel/app").Count);
        Assert.All(check.RunClean($"Get-OciTag {Plain}/parallel/app | Test-OciImage"), r => Assert.True((bool)r.Properties["IsValid"].Value));
    }

    [ToolFact("docker-registry", "skopeo", "umoci", "htpasswd")]
    public async Task ParallelCopiesThroughAProxyThatDropsFivePercentCompleteOrFailCleanly()
    {
        using var temp = new TempDirectory();
        var layout = temp.Combine("dropped");
        using var proxy = new FaultProxy(Plain) { DropRate = 0.05 };
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            using var host = new PowerShellHost();
            var pull = host.Run($"Copy-OciImage {proxy.Host}/team/app:multi oci:{layout}:drop-{i} -RetryIntervalSec 0.05");
            var push = host.Run($"Copy-OciImage oci:{_images.Layout}:multi {proxy.Host}/dropped/app:drop-{i} -RetryIntervalSec 0.05");
            return (Pull: pull, Push: push, Index: i);
        })));

        using var check = new PowerShellHost();
        var tags = check.RunClean($"Get-OciTag oci:{layout}").Select(t => t.Properties["Tag"].Value.ToString()).ToHashSet();
        foreach (var (pull, push, i) in outcomes)
        {
            // Either it completed and verifies, or it failed with a clear error and tagged nothing.
            if (pull.Errors.Count == 0)
            {
                Assert.Contains($"drop-{i}", tags);
            }
            else
            {
                Assert.DoesNotContain($"drop-{i}", tags);
                Assert.All(pull.Errors, e => Assert.DoesNotContain("   at ", e.ToString()));
            }

            Assert.All(push.Errors, e => Assert.DoesNotContain("   at ", e.ToString()));
        }

        Assert.All(check.RunClean($"Get-OciTag oci:{layout} | Test-OciImage -Deep"), r => Assert.True((bool)r.Properties["IsValid"].Value));
        Assert.All(check.RunClean($"Get-OciTag {Plain}/dropped/app | Test-OciImage"), r => Assert.True((bool)r.Properties["IsValid"].Value));
        Assert.True(proxy.Requests > 50);
        Assert.True(proxy.Dropped > 0, "the proxy dropped nothing, so the test proved nothing");
        Assert.True(outcomes.Count(o => o.Pull.Errors.Count == 0) >= 6, "retries should carry most copies through 5% drops");
    }

    [ToolTheory("docker-registry", "skopeo", "umoci", "htpasswd")]
    [InlineData(RegistryAuth.Basic)]
    [InlineData(RegistryAuth.Token)]
    public void WritingCmdletsLeakNoSecret(RegistryAuth auth)
    {
        var registry = _images.Registries[auth];
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var cred = $"-Credential ([pscredential]::new('{RegistryServer.User}', [System.Net.NetworkCredential]::new('', '{RegistryServer.Password}').SecurePassword))";
        var repo = $"{registry.Host}/secrets/app";
        var tree = SampleTrees.Make(temp.Combine("tree"));
        var script = "$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'; $ProgressPreference = 'Continue'; " +
            $"Copy-OciImage oci:{_images.Layout}:multi {repo}:copied {cred}; " +
            $"New-OciLayer '{tree}' -Destination /t | New-OciImage {repo}:built -Base {repo}:copied -Platform linux/amd64 {cred}; " +
            $"Get-OciImageConfig {repo}:built {cred}; Get-OciLayerItem {repo}:built -Layer -1 {cred}; " +
            $"New-OciLayer '{tree}' -Destination /more | Add-OciLayer {repo}:built {cred}; '{repo}:built' | New-OciIndex {repo}:index {cred}; " +
            $"Expand-OciImage {repo}:built '{temp.Combine("rootfs")}' {cred}; " +
            $"Set-OciTag {repo}:built -Tag again {cred}; Set-OciImageConfig {repo}:again -User 1 {cred}; " +
            $"Remove-OciTag {repo}:again -Confirm:$false {cred}; Test-OciImage {repo}:built {cred}; " +
            $"Get-OciLayer {repo}:built {cred} | Save-OciBlob -Path '{temp.Path}' {cred}; " +
            $"Export-OciImage {repo}:built '{temp.Combine("x.tar")}' {cred}; Import-OciImage '{temp.Combine("x.tar")}' {repo}:imported {cred}; " +
            $"Get-OciReferrer {repo}:built {cred}; Remove-OciManifest {repo}:imported -Confirm:$false {cred}; " +
            $"Connect-OciRegistry {registry.Host} {cred.Replace("-Credential", "-Credential")}; Get-OciRepository {registry.Host}; Disconnect-OciRegistry {registry.Host}; " +
            $"Copy-OciImage {repo}:built {repo}:wrong -Credential ([pscredential]::new('{RegistryServer.User}', [System.Net.NetworkCredential]::new('', 'WrongSecret-987').SecurePassword))";
        var result = host.Run(script);
        Assert.Single(result.Errors); // only the wrong password
        Assert.Equal("Unauthorized,OciImage.Commands.CopyOciImageCommand", result.Errors[0].FullyQualifiedErrorId);
        Assert.NotEmpty(result.Progress!);
        Assert.True(result.Output.Count >= 15, $"{result.Output.Count} output objects");
        var text = result.Everything;
        Assert.Contains("/t/", text); // the output objects were serialised down to the layer items' paths
        Assert.DoesNotContain(RegistryServer.Password, text);
        Assert.DoesNotContain("WrongSecret-987", text);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(RegistryServer.User + ":" + RegistryServer.Password)), text);
        foreach (var token in registry.Tokens?.IssuedTokens.ToArray() ?? Array.Empty<string>())
        {
            Assert.DoesNotContain(token, text);
        }
    }
}
