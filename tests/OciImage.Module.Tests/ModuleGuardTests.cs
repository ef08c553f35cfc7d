using System;
using System.Collections;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Guards that every cmdlet the module exports ships complete: listed in the manifest, with help (synopsis,
/// description, every parameter described, two examples), a default view for its output types, and
/// ShouldProcess when it writes.
/// </summary>
public sealed class ModuleGuardTests
{
    private static readonly string[] WritingVerbs = { "New", "Set", "Remove", "Add", "Copy", "Export", "Import", "Expand", "Save", "Connect", "Disconnect" };

    [Fact]
    public void ManifestPassesTestModuleManifestAndListsEveryCmdletExplicitly()
    {
        using var host = new PowerShellHost();
        var info = host.RunClean($"Test-ModuleManifest -Path '{Path.Combine(RepoPaths.ModuleFolder, "OciImage.psd1")}'").Single();
        var editions = ((IEnumerable)info.Properties["CompatiblePSEditions"].Value).Cast<object>().Select(o => o.ToString()).ToList();
        Assert.Equal(new[] { "Core", "Desktop" }, editions);

        var manifestText = File.ReadAllText(Path.Combine(RepoPaths.ModuleFolder, "OciImage.psd1"));
        Assert.DoesNotContain("'*'", manifestText);

        var declared = host.RunClean("(Get-Module OciImage).ExportedCmdlets.Keys").Select(o => o.ToString()).OrderBy(n => n).ToList();
        Assert.Equal(CmdletsInAssembly(), declared);
    }

    [Fact]
    public void EveryCmdletHasCompleteHelp()
    {
        using var host = new PowerShellHost();
        foreach (var name in CmdletsInAssembly())
        {
            var help = host.RunClean($"Get-Help {name} -Full").Single();
            var synopsis = help.Properties["Synopsis"].Value?.ToString()?.Trim() ?? string.Empty;
            Assert.False(synopsis.Length == 0 || synopsis.StartsWith(name, StringComparison.Ordinal), $"{name} has no synopsis");
            Assert.NotEmpty(host.RunClean($"(Get-Help {name}).description.Text"));

            var parameters = host.RunClean($"(Get-Command {name}).Parameters.Keys | Where-Object {{ $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }}")
                .Select(p => p.ToString()).ToList();
            foreach (var parameter in parameters)
            {
                var text = host.RunClean($"(Get-Help {name} -Parameter {parameter}).description.Text -join ''").SingleOrDefault()?.ToString();
                Assert.False(string.IsNullOrWhiteSpace(text), $"{name} -{parameter} has no description in the help");
            }

            var examples = host.RunClean($"@((Get-Help {name} -Examples).examples.example).Count").Single();
            Assert.True((int)examples.BaseObject >= 2, $"{name} has fewer than two examples");
        }
    }

    [Fact]
    public void EveryOutputTypeHasADefaultView()
    {
        using var host = new PowerShellHost();
        var formatFile = File.ReadAllText(Path.Combine(RepoPaths.ModuleFolder, "OciImage.format.ps1xml"));
        foreach (var type in OutputTypes())
        {
            Assert.Contains($"<TypeName>{type.FullName}</TypeName>", formatFile);
        }
    }

    [Fact]
    public void EveryCmdletThatWritesSupportsShouldProcess()
    {
        foreach (var type in CmdletTypes())
        {
            var attribute = type.GetCustomAttribute<CmdletAttribute>()!;
            if (WritingVerbs.Contains(attribute.VerbName))
            {
                Assert.True(attribute.SupportsShouldProcess, $"{attribute.VerbName}-{attribute.NounName} writes but lacks SupportsShouldProcess");
            }
        }
    }

    [Fact]
    public void AboutTopicIsFound()
    {
        using var host = new PowerShellHost();
        var text = string.Join("\n", host.RunClean("Get-Help about_OciImage").Select(o => o.ToString()));
        Assert.Contains("oci:PATH[:TAG|@DIGEST]", text);
        var references = string.Join("\n", host.RunClean("Get-Help about_OciImage_References").Select(o => o.ToString()));
        Assert.Contains("docker.io/library/alpine", references);
    }

    private static Assembly ModuleAssembly() =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "OciImage")
        ?? Assembly.LoadFrom(Path.Combine(RepoPaths.ModuleFolder, "OciImage.dll"));

    private static Type[] CmdletTypes() =>
        ModuleAssembly().GetTypes().Where(t => !t.IsAbstract && t.GetCustomAttribute<CmdletAttribute>() is not null).ToArray();

    private static string[] CmdletsInAssembly() =>
        CmdletTypes().Select(t => t.GetCustomAttribute<CmdletAttribute>()!).Select(a => a.VerbName + "-" + a.NounName).OrderBy(n => n).ToArray();

    private static Type[] OutputTypes() =>
        CmdletTypes().SelectMany(t => t.GetCustomAttributes<OutputTypeAttribute>())
            .SelectMany(a => a.Type).Select(t => t.Type).Where(t => t is not null && t.Assembly == ModuleAssembly()).Distinct().ToArray()!;
}
