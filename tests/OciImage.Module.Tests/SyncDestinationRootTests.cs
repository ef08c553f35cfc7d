using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// A saved plan applied with -DestinationRoot: a plan saved with -Plan | ConvertTo-Json, one destination edited to
/// a folder outside the root, is refused whole (InvalidSyncPlan, naming the item and the root) before anything
/// is written, from -PlanPath and from piped objects alike; the plan as saved is applied. Without a root, a plan
/// spanning several places is applied with a warning naming them.
/// </summary>
public sealed class SyncDestinationRootTests
{
    [Fact]
    public void AnEditedPlanWritingOutsideTheRootIsRefusedAndTheSavedOneApplied()
    {
        using var temp = new TempDirectory();
        var source = temp.Combine("source");
        var layer = TestImages.AddTarLayer(source, new HostileTar().File("hello.txt", "hello\n").ToArray());
        TestImages.Compose(source, "1", new[] { layer });
        TestImages.Compose(source, "2", new[] { layer }, "arm64");
        var root = temp.Combine("root");
        var outside = temp.Combine("outside");
        using var host = new PowerShellHost();

        // Saved as ConvertTo-Json saves it (the engine host lacks that cmdlet; it reads the same .NET properties).
        var plan = host.RunClean($"Sync-OciRepository 'oci:{source}' 'oci:{root}/mirror' -Plan");
        var saved = "[" + string.Join(",", plan.Select(p => System.Text.Json.JsonSerializer.Serialize(
            p.Properties.ToDictionary(x => x.Name, x => x.Value is string[] a ? (object)a : x.Value?.ToString())))) + "]";
        File.WriteAllText(temp.Combine("plan.json"), saved);
        Assert.Contains($"{root}/mirror:2", saved, StringComparison.Ordinal);
        File.WriteAllText(temp.Combine("edited.json"), saved.Replace($"{root}/mirror:2", $"{outside}/mirror:2", StringComparison.Ordinal));
        var edited = new Dictionary<string, object?> { ["plan"] = plan.ToArray(), ["outside"] = $"oci:{outside}/mirror:2" };

        foreach (var apply in new[]
        {
            $"Sync-OciRepository -PlanPath '{temp.Combine("edited.json")}' -DestinationRoot '{root}'",

            // As Import-Clixml gives it back (PSSerializer is what it uses), edited there.
            "$saved = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($plan))\n" +
                $"($saved | Where-Object Destination -like '*:2').Destination = $outside\n$saved | Sync-OciRepository -DestinationRoot 'oci:{root}' -Force",
        })
        {
            var refused = host.Run(apply, edited);
            var error = Assert.Single(refused.Errors);
            Assert.StartsWith("InvalidSyncPlan,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Contains($"{outside}/mirror:2", error.ToString(), StringComparison.Ordinal);
            Assert.Contains(root, error.ToString(), StringComparison.Ordinal);
            Assert.Empty(refused.Output);
            Assert.False(Directory.Exists(outside), "the outside layout was created");
            Assert.False(Directory.Exists(root), "an item inside the root was written although the plan was refused");
        }

        // The plan as saved, under the same root: applied.
        var applied = host.Run($"Sync-OciRepository -PlanPath '{temp.Combine("plan.json")}' -DestinationRoot '{root}'");
        Assert.Empty(applied.Errors);
        Assert.Empty(applied.Warnings);
        Assert.Equal(new[] { $"oci:{root}/mirror:1", $"oci:{root}/mirror:2" }, host.RunClean($"Get-OciTag 'oci:{root}/mirror'").Select(t => t.ToString()).OrderBy(t => t, StringComparer.Ordinal));
    }

    [Fact]
    public void WithoutARootAPlanSpanningSeveralRegistriesIsNamedInAWarning()
    {
        using var temp = new TempDirectory();
        var digest = "sha256:" + new string('a', 64);
        File.WriteAllText(temp.Combine("plan.json"), $$"""
            [
              { "FormatVersion": 1, "Action": "Copy", "Source": "src.example/app:1", "SourceDigest": "{{digest}}", "Destination": "mirror.example/app:1" },
              { "FormatVersion": 1, "Action": "Copy", "Source": "src.example/app:2", "SourceDigest": "{{digest}}", "Destination": "evil.example/app:2" }
            ]
            """);
        using var host = new PowerShellHost();

        var result = host.Run($"Sync-OciRepository -PlanPath '{temp.Combine("plan.json")}' -WhatIf");

        var warning = Assert.Single(result.Warnings);
        Assert.Contains("evil.example, mirror.example", warning, StringComparison.Ordinal);
        Assert.Contains("-DestinationRoot", warning, StringComparison.Ordinal);
    }
}
