using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Red team 11, the cmdlet surface: odd values typed into parameters (<see cref="HostileParameterValues"/>) are
/// each one per-item error with a README ErrorId, never a raw .NET exception that stops the pipeline, and a
/// password typed into a reference is refused without being repeated anywhere.
/// </summary>
public sealed class CmdletSurfaceTests
{
    private static readonly string Hello = Path.Combine(RepoPaths.Root, "tests", "data", "hello");

    [Fact]
    public void AHostNoUrlCarriesIsInvalidReferenceAndTheNextInputIsRead()
    {
        using var host = new PowerShellHost();
        var inputs = HostileParameterValues.HostsNoUrlCarries.Append($"oci:{Hello}:1.0").ToArray();
        var result = host.Run("$inputs | Get-OciManifest -MaximumRetryCount 0", new Dictionary<string, object?> { ["inputs"] = inputs });
        Assert.Equal(Enumerable.Repeat("InvalidReference,OciImage.Commands.GetOciManifestCommand", 4), result.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.All(result.Errors, e => Assert.Equal("InvalidArgument", e.CategoryInfo.Category.ToString()));
        Assert.Single(result.Output);

        // The registry-taking cmdlets read the host through the same grammar.
        var connect = host.Run("Connect-OciRegistry $inputs[0].Split('/')[0] -SkipCheck", new Dictionary<string, object?> { ["inputs"] = inputs });
        Assert.Equal("InvalidReference,OciImage.Commands.ConnectOciRegistryCommand", Assert.Single(connect.Errors).FullyQualifiedErrorId);
    }

    [Fact]
    public void AReferenceWithAPasswordIsRefusedAndThePasswordIsShownNowhere()
    {
        using var host = new PowerShellHost();
        using var temp = new TempDirectory();
        var variables = new Dictionary<string, object?> { ["refs"] = HostileParameterValues.UserInfoReferences, ["good"] = $"oci:{Hello}:1.0" };

        // Passed in variables, so the command line itself (InvocationInfo) holds no password either. Everything
        // serialises each error whole: message, exception, target, category info (Pester runs Format-List * -Force).
        var result = host.Run(
            "$VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; "
            + "$refs | Get-OciManifest -MaximumRetryCount 0; "
            + "foreach ($r in $refs) { Copy-OciImage $good $r -MaximumRetryCount 0; Set-OciTag $r -Tag x -MaximumRetryCount 0 }",
            variables);
        Assert.Equal(6, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.StartsWith("InvalidReference,", e.FullyQualifiedErrorId));
        Assert.All(result.Errors, e => Assert.Contains("(credentials)@127.0.0.1:1/team/app", e.ToString()));
        Assert.DoesNotContain(HostileParameterValues.UserInfoPassword, result.Everything);
    }

    [Fact]
    public void ANulInAPathIsInvalidPathForEachPathParameter()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost(temp.Path);
        var variables = new Dictionary<string, object?> { ["nul"] = HostileParameterValues.NulPath, ["good"] = $"oci:{Hello}:1.0" };
        var calls = new[]
        {
            "Get-OciManifest \"oci:${nul}:1.0\"",
            "Get-OciLayer \"oci-archive:$nul\"",
            "Expand-OciImage $good -Destination $nul",
            "Export-OciImage $good -Path $nul",
            "Save-OciBlob $good -Digest sha256:049103fecc9bd8ae09722960fc44a697fd7b29653f9b803399b1ac0476e97619 -Path $nul",
            "Get-OciDigest -LiteralPath $nul",
            "New-OciLayer $nul -OutputDirectory .",
            "Copy-OciImage $good \"oci:${nul}:1.0\"",
        };
        foreach (var call in calls)
        {
            var result = host.Run(call, variables);
            var error = Assert.Single(result.Errors);
            Assert.True(error.FullyQualifiedErrorId.StartsWith("InvalidPath,", System.StringComparison.Ordinal), $"{call}: {error.FullyQualifiedErrorId}: {error}");
            Assert.Equal("InvalidArgument", error.CategoryInfo.Category.ToString());
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }

    [Fact]
    public void GetOciDigestNeverHashesAFileForAnotherProvidersPathAndGoesOnPerItem()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost(temp.Path);

        // A file named as the variable is, in the process's own folder: an Env: path resolved as a bare name would hash it.
        var bait = Path.Combine(System.Environment.CurrentDirectory, "OCI_RT_BAIT");
        File.WriteAllText(bait, "not named by the user");
        try
        {
            var layoutFile = Path.Combine(Hello, "oci-layout");
            var variables = new Dictionary<string, object?> { ["file"] = layoutFile };
            var result = host.Run(
                "$env:OCI_RT_BAIT = 'x'; $OCI_RT_BAIT = 'x'; "
                + "Get-OciDigest -Path Env:\\OCI_RT_BAIT, Variable:\\OCI_RT_BAIT, HKLM:\\x, ./missing, $file; "
                + "Get-OciDigest -LiteralPath Env:\\OCI_RT_BAIT, HKLM:\\x, \"a`0b\", $file",
                variables);
            Assert.Equal(
                new[] { "InvalidPath", "InvalidPath", "InvalidPath", "FileNotFound", "InvalidPath", "InvalidPath", "InvalidPath" },
                result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
            Assert.Equal(new[] { layoutFile, layoutFile }, result.Output.Select(o => o.Properties["Path"].Value.ToString()));
        }
        finally
        {
            File.Delete(bait);
        }
    }

    [Fact]
    public void AnUnclosedBracketInAWildcardIsInvalidSelectionNotARawException()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost(temp.Path);
        var good = $"oci:{Hello}:1.0";
        host.RunClean($"Export-OciImage '{good}' -Path ./hello.tar");
        foreach (var call in new[]
        {
            $"Get-OciLayerItem '{good}' -Path '['",
            $"Get-OciLayerItem '{good}' -Merged -Path '/app/[a-'",
            "Import-OciImage ./hello.tar -Destination oci:./imported -Name '['",
            "Get-OciRepository 127.0.0.1:1 -Name '[' -MaximumRetryCount 0",
        })
        {
            var error = Assert.Single(host.Run(call).Errors);
            Assert.True(error.FullyQualifiedErrorId.StartsWith("InvalidSelection,", System.StringComparison.Ordinal), $"{call}: {error.FullyQualifiedErrorId}: {error}");
            Assert.Equal("InvalidArgument", error.CategoryInfo.Category.ToString());
        }

        Assert.Equal(new[] { "hello.tar" }, Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void NewOciLayerWithANullDestinationIsABindingErrorNotANullReference()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("site"));
        using var host = new PowerShellHost(temp.Path);
        var error = Assert.Single(host.Run("New-OciLayer ./site -Destination $null -OutputDirectory ./out").Errors);
        Assert.StartsWith("ParameterArgumentValidationError,", error.FullyQualifiedErrorId);
        Assert.IsType<ParameterBindingException>(error.Exception, exactMatch: false);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }
}
