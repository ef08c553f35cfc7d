using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>
/// Values behave as values (issue 19): digests, references and platforms are strings on every output object, typed
/// values are one cast away, JSON carries no engine internals, and what Export-Clixml/Import-Clixml (remoting, jobs)
/// hands back renders with the same views and pipes into the cmdlets.
/// </summary>
public sealed class ValueTests : IClassFixture<LayoutFixture>
{
    private const string Deserialize = "function Copy-Deserialized($o) { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($o, 2)) }; ";
    private static readonly Regex DigestText = new("^sha256:[0-9a-f]{64}$");
    private readonly LayoutFixture _fixture;

    public ValueTests(LayoutFixture fixture) => _fixture = fixture;

    /// <summary>One object of each output type, from the fixture layout, as $all (a hashtable: type name to object).</summary>
    private string Outputs(string scratch) =>
        $"$l = 'oci:{_fixture.Layout}'; $all = [ordered]@{{}}; " +
        "$all.OciManifest = Get-OciManifest \"${l}:amd\"; $all.OciIndex = Get-OciManifest \"${l}:multi\"; " +
        "$all.OciTag = @(Get-OciTag $l)[0]; $all.OciLayer = @(Get-OciLayer \"${l}:amd\")[0]; " +
        "$all.OciImageConfig = Get-OciImageConfig \"${l}:amd\"; $all.OciDescriptor = Get-OciDigest \"${l}:amd\"; " +
        "$all.OciLayerItem = @(Get-OciLayerItem \"${l}:amd\")[0]; $all.OciValidationResult = Test-OciImage \"${l}:amd\"; " +
        $"$all.OciFileDigest = Get-OciDigest -LiteralPath '{_fixture.Layout}/oci-layout'; " +
        $"$all.OciCopyResult = Copy-OciImage \"${{l}}:multi\" 'oci:{scratch}/copy:multi'; " +
        "$all.OciHistoryEntry = $all.OciImageConfig.History[0]; $all.OciContainerConfig = $all.OciImageConfig.Config; " +
        "$all.OciImageMeasurement = Measure-OciImage \"${l}:amd\"; $all.OciLayerMeasurement = $all.OciImageMeasurement.Layers[0]; " +
        "$all.OciLayerComparison = @(Compare-OciImage \"${l}:amd\" \"${l}:arm\")[0]; $all.OciFileDifference = @(Compare-OciImage \"${l}:amd\" \"${l}:arm\" -Files)[0]; " +
        $"$w = '{scratch}/waste-' + [guid]::NewGuid().ToString('N'); $null = [System.IO.Directory]::CreateDirectory(\"$w/tree/app\"); [System.IO.File]::WriteAllText(\"$w/tree/app/hello.txt\", 'again'); " +
        "New-OciLayer \"$w/tree\" -Layout \"$w/l\" | New-OciImage -Layout \"$w/l\" -Tag w -Base \"${l}:amd\" | Out-Null; " +
        "$all.OciInefficiency = (Measure-OciImage \"oci:$w/l:w\").Inefficiencies[0]; ";

    [Fact]
    public void NoPublicOutputTypeHoldsAnEngineType()
    {
        using var host = new PowerShellHost();
        var rows = host.RunClean(
            "[OciImage.OciManifest].Assembly.GetExportedTypes() | Where-Object { $_.Namespace -eq 'OciImage' -and $_.Name -like 'Oci*' -and -not $_.IsAbstract } | " +
            "ForEach-Object { $t = $_; $t.GetProperties() | ForEach-Object { $t.Name + '.' + $_.Name + ' : ' + $_.PropertyType.FullName } }")
            .Select(o => o.ToString()).ToList();

        Assert.Contains(rows, r => r.StartsWith("OciManifest.Digest : System.String"));
        Assert.Contains(rows, r => r.StartsWith("OciImageConfig.History : OciImage.OciHistoryEntry[]"));
        Assert.Contains(rows, r => r.StartsWith("OciImageConfig.Config : OciImage.OciContainerConfig"));
        Assert.Contains(rows, r => r.StartsWith("OciManifest.Layers : OciImage.OciDescriptor[]"));
        Assert.All(rows, r => Assert.DoesNotContain("OciImage.Core", r));
        Assert.All(rows, r => Assert.DoesNotContain("DateTimeOffset", r));
    }

    [ToolFact("umoci", "skopeo")]
    public void DigestsReferencesAndPlatformsAreStringsOneCastAwayFromValues()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var rows = host.RunClean(Outputs(temp.Path) +
            "foreach ($name in $all.Keys) { foreach ($p in $all[$name].PSObject.Properties) { " +
            "  if ($p.Name -ne 'SameDigest' -and $p.Name -match 'Digest$|^Reference$|^Platform$|^Repository$|^Source$|^Destination$' -and $null -ne $p.Value) { '{0}.{1}|{2}|{3}' -f $name, $p.Name, ($p.Value -is [string]), \"$($p.Value)\" } } }")
            .Select(o => o.ToString().Split('|')).ToList();

        Assert.True(rows.Count >= 20, $"only {rows.Count} values found");
        Assert.All(rows, r => Assert.True(r[1] == "True", $"{r[0]} is not a string"));
        Assert.All(rows.Where(r => r[0].EndsWith("Digest") && !r[0].EndsWith("FileDigest")), r => Assert.Matches(DigestText, r[2]));
        Assert.Contains(rows, r => r[0] == "OciManifest.Reference" && r[2].StartsWith("oci:") && r[2].Contains(":amd@sha256:"));

        var amd = ReferenceImages.SkopeoDigest(_fixture.Layout, "amd");
        var casts = host.RunClean(Outputs(temp.Path) +
            "([OciDigest]$all.OciManifest.Digest).Hex; ([OciReference]$all.OciManifest.Reference).Digest.ToString(); " +
            "([OciPlatform]$all.OciIndex.Manifests[1].Platform).Variant; ([OciReference]$all.OciTag.Reference).Tag; " +
            "\"$($all.OciManifest.Digest)\"; \"$($all.OciManifest)\"")
            .Select(o => o.ToString()).ToList();
        Assert.Equal(amd.Substring(7), casts[0]);
        Assert.Equal(amd, casts[1]);
        Assert.Equal("v8", casts[2]);
        Assert.Equal("amd", casts[3]);
        Assert.Equal(amd, casts[4]);
        Assert.EndsWith(":amd@" + amd, casts[5]);
    }

    [ToolFact("umoci", "skopeo")]
    public void JsonOfEveryOutputObjectWritesValuesAsStrings()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        var objects = host.RunClean(Outputs(temp.Path) + "$all.Values");
        Assert.Equal(17, objects.Count);
        foreach (var o in objects)
        {
            // ConvertTo-Json reads the .NET properties, as System.Text.Json does: no converter or ETS setting changes it.
            var json = System.Text.Json.JsonSerializer.Serialize(o.BaseObject, o.BaseObject.GetType());
            foreach (var internals in new[] { "\"Hex\":", "\"Short\":", "\"IsEmpty\":", "\"RegistryIdentifier\":", "\"Transport\":", "\"RootFs\":", "\"OSFeatures\":" })
            {
                Assert.DoesNotContain(internals, json);
            }

            Assert.DoesNotMatch("\"Digest\":\\{", json);
        }

        var manifest = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(objects[0].BaseObject, objects[0].BaseObject.GetType())).RootElement;
        Assert.Matches(DigestText, manifest.GetProperty("Digest").GetString());
        Assert.Matches(DigestText, manifest.GetProperty("Layers")[0].GetProperty("Digest").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, manifest.GetProperty("Reference").ValueKind);
    }

    [ToolFact("umoci", "skopeo")]
    public void DeserializedObjectsRenderAsTheLiveOnesDo()
    {
        using var temp = new TempDirectory();
        foreach (var width in new[] { 80, 120 })
        {
            var host = new CapturingHost();
            using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
            runspace.Open();
            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript($"$PSStyle.OutputRendering = 'PlainText'; $Host.UI.RawUI.BufferSize = [System.Management.Automation.Host.Size]::new({width}, 3000); " +
                $"Import-Module '{RepoPaths.ModuleFolder}'; " + Deserialize + Outputs(temp.Combine("w" + width)) +
                "foreach ($name in $all.Keys) { $Host.UI.WriteLine(\"== $name live\"); $all[$name] | Out-Host; $Host.UI.WriteLine(\"== $name deserialized\"); Copy-Deserialized $all[$name] | Out-Host }");
            ps.Invoke();
            Assert.True(ps.Streams.Error.Count == 0, string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));

            var text = Regex.Replace(host.Text, "\u001b\\[[0-9;]*m", string.Empty);
            Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd().Length <= width, $"too wide for {width} ({line.Length}): {line}"));
            var sections = Regex.Split(text, "^== ", RegexOptions.Multiline).Where(s => s.Length > 0).ToList();
            Assert.Equal(34, sections.Count);
            for (var i = 0; i < sections.Count; i += 2)
            {
                var name = sections[i].Split(' ')[0];
                var live = sections[i].Substring(sections[i].IndexOf('\n') + 1);
                var copy = sections[i + 1].Substring(sections[i + 1].IndexOf('\n') + 1);
                Assert.True(live.Trim().Length > 0, name + " rendered nothing");
                Assert.Equal(live, copy);
            }

            // The Reference column of a deserialized manifest is filled (it was blank in 0.1), the digest short.
            var manifest = sections[1];
            // (The reference is the last column: whole at 120 columns, cut with an ellipsis at 80.)
            var reference = $"oci:{_fixture.Layout}:amd";
            Assert.Contains(width == 120 ? reference : reference.Substring(0, 20), manifest);
            Assert.Contains(ReferenceImages.SkopeoDigest(_fixture.Layout, "amd").Substring(0, 19), manifest);
        }
    }

    [ToolFact("umoci", "skopeo")]
    public void DeserializedObjectsPipeIntoTheCmdlets()
    {
        using var temp = new TempDirectory();
        var tree = SampleTrees.Make(temp.Combine("site"));
        Directory.CreateDirectory(temp.Combine("blobs"));
        using var host = new PowerShellHost();
        var amd = ReferenceImages.SkopeoDigest(_fixture.Layout, "amd");
        var lines = host.RunClean(Deserialize + Outputs(temp.Path) +
            "$d = @{}; foreach ($name in $all.Keys) { $d[$name] = Copy-Deserialized $all[$name] }; " +
            "'tag ' + (Copy-Deserialized (Get-OciTag $l -Name amd) | Get-OciManifest).Digest; " +
            "'layers ' + ($d.OciManifest | Get-OciLayer).Count; " +
            "'config ' + ($d.OciManifest | Get-OciImageConfig).Digest; " +
            "'items ' + ($d.OciLayer | Get-OciLayerItem).Count; " +
            $"'saved ' + ($d.OciLayer | Save-OciBlob -Path '{temp.Combine("blobs")}').Name; " +
            $"'savedDescriptor ' + (Copy-Deserialized $all.OciManifest.Layers[0] | Save-OciBlob -Path '{temp.Combine("blobs")}' -Force).Name; " +
            "'entries ' + (($d.OciIndex.Manifests | Get-OciManifest).Digest -join ','); " +
            "'copied ' + ($d.OciCopyResult | Test-OciImage).IsValid; " +
            $"'descriptor ' + ($d.OciDescriptor | Copy-OciImage -Destination 'oci:{temp.Combine("again")}:pinned').Digest; " +
            $"$layer = Copy-Deserialized (New-OciLayer '{tree}' -Destination /srv -OutputDirectory '{temp.Combine("built")}'); " +
            $"'built ' + (($layer | New-OciImage -Layout '{temp.Combine("image")}' -Tag site) | Get-OciLayer).Digest + ' ' + $layer.Digest")
            .Select(o => o.ToString()).ToDictionary(l => l.Split(' ')[0], l => l.Substring(l.IndexOf(' ') + 1));

        Assert.Equal(amd, lines["tag"]);
        Assert.Equal(ReferenceImages.SkopeoLayers(_fixture.Layout, "amd").Count(), int.Parse(lines["layers"]));
        Assert.Matches(DigestText, lines["config"]);
        Assert.True(int.Parse(lines["items"]) > 0);
        var layer = ReferenceImages.SkopeoLayers(_fixture.Layout, "amd").First();
        Assert.Equal(layer.Replace(':', '-'), lines["saved"]);
        Assert.Equal(layer.Replace(':', '-'), lines["savedDescriptor"]);
        Assert.Equal(amd + "," + ReferenceImages.SkopeoDigest(_fixture.Layout, "arm"), lines["entries"]);
        Assert.Equal("True", lines["copied"]);
        Assert.Equal(amd, lines["descriptor"]);
        var built = lines["built"].Split(' ');
        Assert.Equal(built[1], built[0]);
    }

    [ToolFact("umoci", "skopeo")]
    public void ParallelRunbookWithAFailingRunspaceGoesOn()
    {
        using var host = new PowerShellHost();
        var good = $"oci:{_fixture.Layout}:amd";
        var result = host.Run(
            $"'{good}', 'Not A Reference!', 'fail', '{good}' | ForEach-Object -ThrottleLimit 4 -Parallel {{ " +
            $"Import-Module '{RepoPaths.ModuleFolder}'; if ($_ -eq 'fail') {{ Remove-Module OciImage; throw 'this runspace failed' }}; Get-OciManifest $_ }}; " +
            $"([OciDigest](Get-OciDigest '{good}').Digest).Short");

        Assert.Equal(3, result.Output.Count);
        Assert.Equal(2, result.Output.Count(o => o.BaseObject.GetType().Name == "OciManifest"));
        Assert.Equal(ReferenceImages.SkopeoDigest(_fixture.Layout, "amd").Substring(7, 12), result.Output.Last().ToString());
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.FullyQualifiedErrorId == "InvalidReference,OciImage.Commands.GetOciManifestCommand" && e.CategoryInfo.Category == ErrorCategory.InvalidArgument);
        Assert.Contains(result.Errors, e => e.ToString().Contains("this runspace failed"));
    }

    [ToolTheory("umoci", "skopeo")]
    [InlineData("Get-OciManifest", "", "GetOciManifestCommand")]
    [InlineData("Get-OciLayer", "", "GetOciLayerCommand")]
    [InlineData("Get-OciImageConfig", "", "GetOciImageConfigCommand")]
    [InlineData("Get-OciTag", "", "GetOciTagCommand")]
    [InlineData("Get-OciDigest", "", "GetOciDigestCommand")]
    [InlineData("Test-OciImage", "", "TestOciImageCommand")]
    [InlineData("Get-OciLayerItem", "", "GetOciLayerItemCommand")]
    [InlineData("Save-OciBlob", "-Path $blobs -Force", "SaveOciBlobCommand")]
    [InlineData("Copy-OciImage", "-Destination $copy", "CopyOciImageCommand")]
    public void AStringThatIsNoReferenceByPropertyNameFailsAloneAndTheRestGoesOn(string cmdlet, string arguments, string command)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("blobs"));
        using var host = new PowerShellHost();
        var layer = ReferenceImages.SkopeoLayers(_fixture.Layout, "amd").First();
        var result = host.Run(
            $"$blobs = '{temp.Combine("blobs")}'; $copy = 'oci:{temp.Combine("copy")}'; " +
            $"[pscustomobject]@{{ Reference = 'Not A Reference!'; Digest = '{layer}' }}, [pscustomobject]@{{ Reference = 'oci:{_fixture.Layout}:amd'; Digest = '{layer}' }} | {cmdlet} {arguments}");

        var error = Assert.Single(result.Errors);
        Assert.Equal($"InvalidReference,OciImage.Commands.{command}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.DoesNotContain("   at ", error.ToString());
        Assert.NotEmpty(result.Output);
    }

    [ToolFact("umoci", "skopeo")]
    public void DeserializedObjectsWithMissingPropertiesFailAlone()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Combine("blobs"));
        using var host = new PowerShellHost();
        var prelude = Deserialize + $"$l = 'oci:{_fixture.Layout}'; $good = Copy-Deserialized (@(Get-OciLayer \"${{l}}:amd\")[0]); " +
            "$xml = [System.Management.Automation.PSSerializer]::Serialize(@(Get-OciLayer \"${l}:amd\")[0], 2) -replace '<S N=\"Digest\">[^<]*</S>', ''; " +
            "$bad = [System.Management.Automation.PSSerializer]::Deserialize($xml); if ($null -ne $bad.Digest) { throw 'Digest still there' }; ";

        // By property name: the object without a Digest is not bound, the next one is saved.
        var saved = host.Run(prelude + $"$bad, $good | Save-OciBlob -Path '{temp.Combine("blobs")}'");
        var unbound = Assert.Single(saved.Errors);
        Assert.Equal("InputObjectMissingMandatory,OciImage.Commands.SaveOciBlobCommand", unbound.FullyQualifiedErrorId);
        Assert.Contains("Digest", unbound.ToString());
        Assert.Equal(ErrorCategory.InvalidArgument, unbound.CategoryInfo.Category);
        Assert.Single(saved.Output);

        // As -Layer: the image is not written, and the error says which input and why.
        var composed = host.Run(prelude + $"$good, $bad | New-OciImage -Layout '{temp.Combine("image")}' -Tag t");
        var invalid = Assert.Single(composed.Errors);
        Assert.Equal("InvalidLayerInput,OciImage.Commands.NewOciImageCommand", invalid.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, invalid.CategoryInfo.Category);
        Assert.Contains("no Digest property", invalid.ToString());
        Assert.Empty(composed.Output);
        Assert.False(File.Exists(temp.Combine("image/index.json")) && File.ReadAllText(temp.Combine("image/index.json")).Contains("\"t\""));

        // An empty Reference fails validation for that object only.
        var empty = host.Run(prelude + $"$m = Copy-Deserialized (Get-OciManifest \"${{l}}:amd\"); $m.Reference = ''; $m, \"${{l}}:arm\" | Get-OciLayer");
        Assert.Single(empty.Errors);
        Assert.NotEmpty(empty.Output);
    }
}
