using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OciImage.TestKit;
using OciImage.TestKit.Hostile;
using Xunit;
using OciImage.Core.Layout;

namespace OciImage.Module.Tests;

/// <summary>
/// The ErrorId contract (issue 25 item 10): every cmdlet the module exports, fed each hostile input of the test
/// kit's corpus (<see cref="ContractInputs"/>) and then a sound one, gives results or ErrorRecords whose ErrorIds
/// are all in the README's error table (parsed from README.md), shows no stack trace, leaves the host running,
/// and, where the cmdlet takes pipeline input, processes the sound input after the hostile one. Cmdlets are read
/// from the built module: a new one runs here with its reference piped in unless <see cref="Forms"/> says how
/// to call it, and fails until its errors keep the contract.
/// </summary>
public sealed class ErrorIdContractTests : IClassFixture<ErrorIdContractTests.SharedHost>
{
    /// <summary>
    /// How a cmdlet is called: the parameter that takes the input, which form of it (ref, path, file, folder),
    /// and the other arguments it needs ({out} is a fresh folder for what it writes). Several forms for a cmdlet
    /// with several parameter sets.
    /// </summary>
    private static readonly Dictionary<string, Form[]> Forms = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Add-OciLayer"] = new[] { new Form("Reference", "ref", "-Layer {layer}") },
        ["Compare-OciImage"] = new[] { new Form("DifferenceReference", "ref", "-Reference {good}"), new Form("DifferenceReference", "ref", "-Reference {good} -Files") },
        ["Connect-OciRegistry"] = new[] { new Form("Registry", "registry", "-SkipCheck") },
        ["Copy-OciImage"] = new[] { new Form("Source", "ref", "-Destination 'oci:{out}/copy'") },
        ["Disconnect-OciRegistry"] = new[] { new Form("Registry", "registry", string.Empty) },
        ["Edit-OciImage"] = new[] { new Form("Reference", "ref", "-Destination 'oci:{out}/edited:t' -RemovePath /etc/secret -Timestamp 2000-01-01") },
        ["Expand-OciImage"] = new[] { new Form("Reference", "ref", "-Destination {fresh}") },
        ["Export-OciImage"] = new[] { new Form("Reference", "ref", "-Path {fresh}") },
        ["Get-OciContent"] = new[] { new Form("Reference", "ref", "-Path /app/hello.txt") },
        ["Get-OciDigest"] = new[] { new Form("Reference", "ref", string.Empty), new Form("Path", "file", string.Empty) },
        ["Get-OciLayerItem"] = new[] { new Form("Reference", "ref", string.Empty), new Form("Reference", "ref", "-Merged"), new Form("LiteralPath", "file", string.Empty) },
        // The loopback fake has no catalog: the sound registry after the hostile one is not one it can list.
        ["Get-OciRepository"] = new[] { new Form("Registry", "registry", string.Empty, SoundFollows: false) },
        ["Import-OciImage"] = new[] { new Form("Path", "archive", "-Destination 'oci:{out}/imported'") },
        ["New-OciImage"] = new[] { new Form("Base", "ref", "-Layout '{out}/new' -Tag t") },
        ["New-OciIndex"] = new[] { new Form("Manifest", "ref", "-Layout '{out}/index' -Tag t") },
        ["New-OciLayer"] = new[] { new Form("Path", "path", "-OutputDirectory '{out}/layers'") },
        ["Remove-OciManifest"] = new[] { new Form("Reference", "ref", "-Confirm:$false") },
        ["Remove-OciUnusedBlob"] = new[] { new Form("LayoutPath", "path", string.Empty) },
        ["Save-OciBlob"] = new[] { new Form("Reference", "ref", "-Digest {layer} -Path {fresh}") },
        ["Set-OciImageConfig"] = new[] { new Form("Reference", "ref", "-Label @{ contract = 'yes' }") },
        ["Set-OciTag"] = new[] { new Form("Reference", "ref", "-Tag contract") },
        ["Sync-OciRepository"] = new[] { new Form("Source", "ref", "-Destination 'oci:{out}/sync/'"), new Form("PlanPath", "file", string.Empty, SoundFollows: false) },
        ["Get-OciTag"] = new[] { new Form("Reference", "ref", string.Empty), new Form("Reference", "ref", "-Newest 2 -Detail All") },
        ["Test-OciImage"] = new[] { new Form("Reference", "ref", string.Empty), new Form("Reference", "ref", "-Deep") },
        ["Merge-OciLayer"] = new[] { new Form("Reference", "ref", "-Tag squashed") },
        // The bases under a tag of their own, so an error about the hostile image that names its base never names the sound input.
        ["Update-OciImageBase"] = new[] { new Form("Reference", "ref", "-OldBase ((Set-OciTag {good} -Tag base).Reference) -NewBase ((Set-OciTag {good} -Tag base).Reference) -Tag rebased") },
    };

    private readonly SharedHost _shared;

    public ErrorIdContractTests(SharedHost shared) => _shared = shared;

    /// <summary>The module's cmdlets, as its manifest (out/OciImage/OciImage.psd1) exports them.</summary>
    public static IReadOnlyList<string> Cmdlets { get; } = File.ReadAllLines(Path.Combine(RepoPaths.ModuleFolder, "OciImage.psd1"))
        .SkipWhile(l => !l.TrimStart().StartsWith("CmdletsToExport", StringComparison.Ordinal))
        .Skip(1)
        .TakeWhile(l => l.Trim() != ")")
        .Select(l => l.Trim().Trim(',').Trim('\'', '"'))
        .Where(n => n.Length > 0)
        .OrderBy(n => n, StringComparer.Ordinal)
        .ToList();

    public static IEnumerable<object[]> Cases =>
        from cmdlet in Cmdlets
        from form in Enumerable.Range(0, FormsOf(cmdlet).Length)
        from fixture in ContractInputs.All
        select new object[] { cmdlet, form, fixture.Name };

    [Fact]
    public void EveryExportedCmdletIsInTheContract()
    {
        var exported = _shared.Host.RunClean("(Get-Command -Module OciImage -CommandType Cmdlet).Name").Select(o => o.ToString()).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.Equal(exported, Cmdlets);
        Assert.True(Cmdlets.Count >= 28, $"only {Cmdlets.Count} cmdlets found");
        Assert.Empty(Forms.Keys.Except(Cmdlets, StringComparer.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachHostileInputGivesReadmeErrorIdsAndTheNextInputIsRead(string cmdlet, int formIndex, string fixtureName)
    {
        var form = FormsOf(cmdlet)[formIndex];
        var fixture = ContractInputs.All.Single(f => f.Name == fixtureName);
        using var temp = new TempDirectory("contract");
        var bad = fixture.Build(temp.Combine("bad"));
        var good = ContractInputs.GoodInput(temp.Combine("good"));
        Directory.CreateDirectory(temp.Combine("out"));
        var layer = Directory.GetFiles(Path.Combine(good.Path, "blobs", "sha256")).Select(f => "sha256:" + Path.GetFileName(f))
            .First(d => File.ReadAllBytes(Path.Combine(good.Path, "blobs", "sha256", d.Substring(7))).SequenceEqual(File.ReadAllBytes(good.File)));
        var arguments = form.Arguments
            .Replace("{good}", Quote(good.Reference))
            .Replace("{layer}", Quote(layer))
            .Replace("{out}", temp.Combine("out"))
            .Replace("{fresh}", $"([IO.Path]::Combine('{temp.Combine("out")}', [guid]::NewGuid().ToString()))");
        var host = _shared.Host;
        var takesPipeline = _shared.TakesPipeline(cmdlet, form.Parameter);
        var script = takesPipeline
            ? $"{Quote(form.Pick(bad, _shared))}, {Quote(form.Pick(good, _shared))} | {cmdlet} {arguments}"
            : $"foreach ($in in {Quote(form.Pick(bad, _shared))}, {Quote(form.Pick(good, _shared))}) {{ {cmdlet} -{form.Parameter} $in {arguments} }}";

        var result = host.Run(script);
        var what = $"{cmdlet} ({form.Parameter} {form.Kind} {form.Arguments}) on {fixtureName}";
        foreach (var error in result.Errors)
        {
            var errorId = error.FullyQualifiedErrorId.Split(',')[0];
            Assert.True(ReadmeErrorIds.All.Contains(errorId), $"{what}: {errorId} is not in the README's error table: {error}\n{error.Exception}");
            Assert.DoesNotContain("   at ", error.ToString());

            // The sound input is not what failed: the hostile one did not spill onto it.
            var sound = form.Pick(good, _shared);
            Assert.False(form.SoundFollows && (error.ToString().Contains(sound, StringComparison.Ordinal) || Equals(error.TargetObject?.ToString(), sound)), $"{what}: the sound input after the hostile one failed: {error}");
        }

        // The host is standing and its runspace still runs commands.
        Assert.Equal(2, (int)host.RunClean("1 + 1").Single().BaseObject);
    }

    private static Form[] FormsOf(string cmdlet) =>
        Forms.TryGetValue(cmdlet, out var forms) ? forms : new[] { new Form("Reference", "ref", string.Empty) };

    private static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

    /// <summary>One way to call a cmdlet: the parameter fed, the form of input it takes, the other arguments.</summary>
    private sealed record Form(string Parameter, string Kind, string Arguments, bool SoundFollows = true)
    {
        /// <summary>The input in this form; a registry-taking cmdlet gets the hostile reference as its registry, and a sound registry (a loopback fake) after it.</summary>
        public string Pick(ContractInput input, SharedHost shared) => Kind switch
        {
            "ref" => input.Reference,
            "file" => input.File,
            "archive" => input.Archive,
            "registry" => input.Reference.EndsWith(":good", StringComparison.Ordinal) ? shared.Registry.Host : input.Reference,
            _ => input.Path,
        };
    }

    /// <summary>One PowerShell host for every case: importing the module once keeps the run short.</summary>
    public sealed class SharedHost : IDisposable
    {
        private readonly Dictionary<string, bool> _pipeline = new(StringComparer.OrdinalIgnoreCase);

        public SharedHost() => Registry.AddImage("app", "good", 64);

        public PowerShellHost Host { get; } = new();

        /// <summary>A sound registry: the good input of the cmdlets that take a registry.</summary>
        public FakeRegistry Registry { get; } = new();

        /// <summary>Whether the parameter takes pipeline input by value, as the module declares it.</summary>
        public bool TakesPipeline(string cmdlet, string parameter)
        {
            var key = cmdlet + " " + parameter;
            if (!_pipeline.TryGetValue(key, out var takes))
            {
                takes = (bool)Host.RunClean($"[bool]((Get-Command {cmdlet}).Parameters['{parameter}'].Attributes | Where-Object {{ $_ -is [Parameter] -and $_.ValueFromPipeline }})").Single().BaseObject;
                _pipeline[key] = takes;
            }

            return takes;
        }

        public void Dispose()
        {
            Host.Dispose();
            Registry.Dispose();
        }
    }
}
