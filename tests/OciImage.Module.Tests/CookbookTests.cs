using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Runs every README cookbook recipe as written, with registry.example.com and mirror.example.com pointed at
/// two local registries that the test fills with skopeo.
/// </summary>
public sealed class CookbookTests : IDisposable
{
    private readonly TempDirectory _temp = new("ocicookbook");
    private readonly RegistryServer? _registry;
    private readonly RegistryServer? _mirror;

    public CookbookTests()
    {
        if (!ExternalTool.IsInstalled("docker-registry") || !ExternalTool.IsInstalled("skopeo") || !ExternalTool.IsInstalled("umoci"))
        {
            return;
        }

        _registry = new RegistryServer();
        _mirror = new RegistryServer();
        var layout = _temp.Combine("layout");
        ReferenceImages.BuildWithUmoci(layout, "v1", "amd64", new Dictionary<string, string> { ["a.txt"] = "a" });
        ReferenceImages.BuildWithUmoci(layout, "v2", "amd64", new Dictionary<string, string> { ["b.txt"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6000)) });
        _registry.PushWithSkopeo($"oci:{layout}:v1", "team/app:v1");
        _registry.PushWithSkopeo($"oci:{layout}:v2", "team/app:v2");
        _registry.PushWithSkopeo($"oci:{layout}:v2", "staging/app:candidate");

        // 1.4 and 1.5 for the analysis recipes: 1.5 deletes in its second layer a file its first one added.
        _registry.PushWithSkopeo($"oci:{layout}:v1", "team/app:1.4");
        TestImages.Compose(layout, "wasteful", new[]
        {
            TestImages.AddTarLayer(layout, new HostileTar().Directory("a/").File("a/big", 1000).File("a/keep", 10).ToArray()),
            TestImages.AddTarLayer(layout, new HostileTar().Directory("a/").Whiteout("a/big").File("a/new", 90).ToArray()),
        });
        _registry.PushWithSkopeo($"oci:{layout}:wasteful", "team/app:1.5");
        Directory.CreateDirectory(_temp.Combine("work", "site"));
        File.WriteAllText(_temp.Combine("work", "site", "index.html"), "<h1>hello</h1>");
    }

    public void Dispose()
    {
        _registry?.Dispose();
        _mirror?.Dispose();
        _temp.Dispose();
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void MirrorCopiesEveryTag()
    {
        Run("mirror");
        Assert.Equal(new[] { "1.4", "1.5", "v1", "v2" }, Tags(_mirror!, "team/app"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void BuildPushesAnImageOnItsBase()
    {
        Run("build");
        var config = ExternalTool.Run("skopeo", "inspect", "--config", "--raw", "--tls-verify=false", $"docker://{_registry!.Host}/team/site:1.0");
        Assert.Contains("8080/tcp", config);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{_registry.Host}/team/site:1.0")).RootElement.GetProperty("Layers").GetArrayLength());
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void PinGivesDigestReferences()
    {
        var output = Run("pin");
        Assert.Equal(2, output.Count);
        Assert.All(output, o => Assert.Matches($"^{Regex.Escape(_registry!.Host)}/team/app:v[12]@sha256:[0-9a-f]{{64}}$", o));
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void LargeImagesAreFound()
    {
        // 100MB in the recipe; the test images are small, so the limit sits between their sizes.
        var output = Run("large", script => script.Replace("$limit = 100MB", "$limit = 2500"));
        Assert.Contains(output, o => o.Contains("/team/app:v2@"));
        Assert.DoesNotContain(output, o => o.Contains("/team/app:v1@"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void PromoteKeepsTheDigest()
    {
        Run("promote");
        Assert.Equal(Digest(_registry!, "staging/app:candidate"), Digest(_registry!, "prod/app:1.0"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void AirGapRoundTrip()
    {
        Run("airgap");
        Assert.Equal(Digest(_registry!, "team/app:v1"), Digest(_registry!, "airgapped/app:v1"));
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void GateFailsTheWastefulImageAndPassesTheOther()
    {
        var failed = RunWithErrors("gate");
        var error = Assert.Single(failed.Errors);
        Assert.Equal("ImageInefficient,OciImage.Commands.TestOciImageCommand", error.FullyQualifiedErrorId);
        Assert.Contains("highestUserWastedPercent", error.ToString());

        var passed = RunWithErrors("gate", script => script.Replace("team/app:1.5", "team/app:v2"));
        Assert.Empty(passed.Errors);
        Assert.Equal("OciImageMeasurement", Assert.Single(passed.Output).BaseObject.GetType().Name);
    }

    [ToolFact("docker-registry", "skopeo", "umoci")]
    public void DiffListsWhatChangedPathByPath()
    {
        Assert.Equal(new[] { "Added        /a", "Added        /a/keep", "Added        /a/new", "Removed      /app", "Removed      /app/a.txt" }, Run("diff"));
    }

    private ScriptResult RunWithErrors(string recipe, Func<string, string>? adjust = null)
    {
        var script = Recipe(recipe, adjust);
        using var host = new PowerShellHost(_temp.Combine("work"));
        return host.Run(script);
    }

    private string Recipe(string recipe, Func<string, string>? adjust)
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var match = Regex.Match(readme, $@"<!-- tested: cookbook-{recipe} -->\s*```powershell\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"the README has no cookbook-{recipe} recipe");
        var script = match.Groups["code"].Value
            .Replace("registry.example.com", _registry!.Host)
            .Replace("mirror.example.com", _mirror!.Host);
        return adjust?.Invoke(script) ?? script;
    }

    private List<string> Run(string recipe, Func<string, string>? adjust = null)
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var match = Regex.Match(readme, $@"<!-- tested: cookbook-{recipe} -->\s*```powershell\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"the README has no cookbook-{recipe} recipe");
        var script = match.Groups["code"].Value
            .Replace("registry.example.com", _registry!.Host)
            .Replace("mirror.example.com", _mirror!.Host);
        script = adjust?.Invoke(script) ?? script;
        using var host = new PowerShellHost(_temp.Combine("work"));
        return host.RunClean(script).Select(o => o.ToString()!).ToList();
    }

    private static IEnumerable<string> Tags(RegistryServer registry, string repository) =>
        System.Text.Json.JsonDocument.Parse(ExternalTool.Run("skopeo", "list-tags", "--tls-verify=false", $"docker://{registry.Host}/{repository}"))
            .RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!).OrderBy(t => t);

    private static string Digest(RegistryServer registry, string reference) =>
        System.Text.Json.JsonDocument.Parse(ExternalTool.Run("skopeo", "inspect", "--tls-verify=false", $"docker://{registry.Host}/{reference}")).RootElement.GetProperty("Digest").GetString()!;
}
