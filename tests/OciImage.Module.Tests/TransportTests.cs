using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// -SkipCertificateCheck as users meet it: a registry (a reserved name, reached through HTTPS_PROXY set to a
/// loopback recorder that answers over TLS with a self-signed certificate the test makes) is refused without the
/// switch, and read with it, with the warning. In a bare host process, because the proxy settings are per process.
/// </summary>
public sealed class TransportTests
{
    [Fact]
    public void SkipCertificateCheckReadsASelfSignedRegistryAndWarns()
    {
        using var temp = new TempDirectory();
        using var proxy = new ProxyRecorder(ProxyRecorder.SelfSigned("registry.invalid"))
        {
            Answer = seen => seen.Target.StartsWith("/v2/team/app/tags/list")
                ? (200, "{\"name\":\"team/app\",\"tags\":[\"v1\",\"v2\"]}", null)
                : (200, "{}", null),
        };
        var environment = new Dictionary<string, string?> { ["HTTP_PROXY"] = null, ["HTTPS_PROXY"] = proxy.Url, ["NO_PROXY"] = null };
        var script = temp.Combine("skip.ps1");

        File.WriteAllText(script, "Get-OciTag registry.invalid/team/app -MaximumRetryCount 0");
        var refused = ExternalTool.TryRunWith(environment, "dotnet", RepoPaths.BuiltProgram("OciImage.ModuleHost"), RepoPaths.ModuleFolder, script);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("The remote certificate is invalid", refused.StdErr);
        Assert.DoesNotContain(proxy.Requests, r => r.OverTls);

        File.WriteAllText(script, "$t = Get-OciTag registry.invalid/team/app -SkipCertificateCheck -MaximumRetryCount 0 -WarningVariable w -WarningAction SilentlyContinue; "
            + "'tags: ' + (($t | ForEach-Object { $_.Tag }) -join ','); 'warning: ' + ($w -join ' | ')");
        var read = ExternalTool.TryRunWith(environment, "dotnet", RepoPaths.BuiltProgram("OciImage.ModuleHost"), RepoPaths.ModuleFolder, script);
        Assert.True(read.ExitCode == 0, read.StdErr + read.StdOut);
        var lines = read.StdOut.Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("tags: v1,v2", lines);
        Assert.Contains("warning: -SkipCertificateCheck: the registry's TLS certificate is not checked, so a machine in the middle can read and change what is sent, credentials included.", lines);
        Assert.Contains(proxy.Requests, r => r.OverTls && r.Host == "registry.invalid" && r.Target.StartsWith("/v2/team/app/tags/list"));
    }
}
