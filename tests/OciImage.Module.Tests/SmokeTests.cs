using Xunit;

namespace OciImage.Module.Tests;

public class SmokeTests
{
    [Fact]
    public void ModuleImports()
    {
        using var host = new PowerShellHost();
        var names = host.RunClean("(Get-Command -Module OciImage).Name");
        Assert.Contains(names, n => n.ToString() == "Get-OciManifest");
    }
}
