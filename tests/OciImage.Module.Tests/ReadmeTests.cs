using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>The README's snippets run as written, from the repository root.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void QuickStartRuns()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var match = Regex.Match(readme, @"<!-- tested: quickstart[^>]*-->\s*```powershell\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, "the README has no tested quick-start block");

        using var host = new PowerShellHost(RepoPaths.Root);
        var output = host.RunClean(match.Groups["code"].Value);
        var text = string.Join("\n", output.Select(o => o.ToString()));
        Assert.Contains(output, o => o.BaseObject is not null && o.BaseObject.GetType().Name == "OciTag");
        Assert.Contains("hello:1.0@sha256:5e250519489c40cfe243f032a450eace5e84beeafa7fcd3b32dc52da9fb5ddba", text);
        Assert.Contains(output, o => o.BaseObject.GetType().Name == "OciLayer");
        Assert.Contains(output, o => o.BaseObject.GetType().Name == "OciFileDigest");
        Assert.Contains("/bin/cat /app/hello.txt on linux/amd64", text);
    }

    [Fact]
    public void BuildAndRunExampleCommandWorks()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var match = Regex.Match(readme, "pwsh -NoProfile -Command \"(?<script>[^\"]+)\"");
        Assert.True(match.Success);
        var script = match.Groups["script"].Value.Replace("| Format-List Entrypoint, Command, Platform", string.Empty);

        using var host = new PowerShellHost(RepoPaths.Root);
        var output = host.RunClean(script);
        Assert.Equal(2, output.Count);
        Assert.Equal(new[] { "/bin/cat" }, (string[])output[1].Properties["Entrypoint"].Value);
    }
}
