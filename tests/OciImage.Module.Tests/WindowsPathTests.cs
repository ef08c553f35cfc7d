using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Windows paths given to the cmdlets on a system that is not Windows: each is a per-item error naming why, and the
/// good references beside them in the same call still give their output (the parser's Windows rules are tested on
/// every OS in OciImage.Core.Tests.WindowsPathReferenceTests).
/// </summary>
public sealed class WindowsPathTests
{
    [Fact]
    public void OffWindowsAWindowsPathIsAPerItemErrorAndTheOthersGoOn()
    {
        using var host = new PowerShellHost();
        var hello = Path.Combine(RepoPaths.Root, "tests", "data", "hello");
        var result = host.Run($@"Get-OciManifest -Reference 'oci:C:\images\app:1.0', 'oci:\\server\share\app:1.0', 'oci:\\?\C:\images\app', 'oci:{hello}:1.0'");
        Assert.Equal(
            new[] { "InvalidPath", "InvalidReference", "InvalidReference" },
            result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("UNC path", result.Errors[1].ToString());
        Assert.Contains("device path", result.Errors[2].ToString());
        var manifest = Assert.Single(result.Output);
        Assert.Equal("sha256:5e250519489c40cfe243f032a450eace5e84beeafa7fcd3b32dc52da9fb5ddba", manifest.Properties["Digest"].Value.ToString());
    }
}
