using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.TestKit;
using Xunit;

namespace OciImage.Module.Tests;

/// <summary>Sync-OciRepository against real registries (and layouts), with counting proxies as witnesses.</summary>
public sealed class SyncTests : IClassFixture<SyncFixture>
{
    private readonly SyncFixture _fixture;

    public SyncTests(SyncFixture fixture) => _fixture = fixture;

    private string Host => _fixture.Host;

    private static List<PSObject> Results(ScriptResult run) => run.Output.Where(o => o.TypeNames[0] == "OciImage.OciSyncResult").ToList();

    private static PSObject Summary(ScriptResult run) => run.Output.Single(o => o.TypeNames[0] == "OciImage.OciSyncSummary");

    private static T Value<T>(PSObject item, string name) => (T)item.Properties[name].Value;

    private static Dictionary<string, string> StatusByTag(ScriptResult run) =>
        Results(run).ToDictionary(r => Value<string>(r, "Destination").Split(':').Last(), r => Value<string>(r, "Status"));

    private string Digest(PowerShellHost host, string reference) => host.RunClean($"(Get-OciDigest '{reference}').Digest.ToString()").Single().ToString()!;

    [ToolFact("docker-registry")]
    public void MirrorsTheSelectionAndAnUnchangedTagCostsTwoHeadsAndNoGet()
    {
        using var host = new PowerShellHost();
        var first = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t1/app -VersionRange '>=1.1'");
        Assert.Empty(first.Errors);
        Assert.Equal(new Dictionary<string, string> { ["1.1.0"] = "Copied", ["1.2.0"] = "Copied", ["2.0.0"] = "Copied" }, StatusByTag(first));
        Assert.Equal(3, Value<int>(Summary(first), "Copied"));
        Assert.Equal(new[] { "1.1.0", "1.2.0", "2.0.0" }, host.RunClean($"(Get-OciTag {Host}/t1/app).Tag").Select(t => t.ToString()).OrderBy(t => t));
        Assert.Equal(Digest(host, $"{Host}/src/app:1.2.0"), Digest(host, $"{Host}/t1/app:1.2.0"));

        using var source = new FaultProxy(Host);
        using var destination = new FaultProxy(Host);
        var again = host.Run($"Sync-OciRepository {source.Host}/src/app {destination.Host}/t1/app -VersionRange '>=1.1'");
        Assert.Empty(again.Errors);
        Assert.All(StatusByTag(again).Values, s => Assert.Equal("UpToDate", s));
        Assert.Equal(0L, Value<long>(Summary(again), "BytesCopied"));
        Assert.Equal(3, source.Log.Count(l => l.StartsWith("HEAD /v2/src/app/manifests/", StringComparison.Ordinal)));
        Assert.Equal(1, source.Log.Count(l => l.StartsWith("GET /v2/src/app/tags/list", StringComparison.Ordinal)));
        Assert.Equal(4, source.Log.Count);
        Assert.Equal(3, destination.Log.Count);
        Assert.Equal(7L, Value<long?>(Summary(again), "Requests")); // the run's own count agrees with the proxies'
        Assert.All(destination.Log, l => Assert.StartsWith("HEAD /v2/t1/app/manifests/", l));
    }

    [ToolFact("docker-registry")]
    public void EveryBlobCrossesOnceWhateverHowManyImagesShareIt()
    {
        using var other = new RegistryServer();
        using var host = new PowerShellHost();
        using var counter = new FaultProxy(other.Host);
        var run = host.Run($"Sync-OciRepository {Host}/src/app {counter.Host}/t2/app -ThrottleLimit 8");
        Assert.Empty(run.Errors);
        Assert.Equal(SyncFixture.Versions.Length + 1, Results(run).Count(r => Value<string>(r, "Status") == "Copied"));

        // Every image shares the base layer; each distinct blob is uploaded once, and the summary says so.
        var uploads = counter.Log.Count(l => l.StartsWith("POST /v2/t2/app/blobs/uploads/", StringComparison.Ordinal));
        var summary = Summary(run);
        Assert.Equal(uploads, Value<int>(summary, "BlobsCopied"));
        var distinct = host.RunClean($"(Measure-OciRepository {Host}/src/app).Tags.Blobs | Where-Object Kind -in 'Config', 'Layer' | ForEach-Object {{ $_.Digest.ToString() }}")
            .Select(d => d.ToString()).Distinct().Count();
        Assert.Equal(distinct, uploads);
        Assert.True(Value<int>(summary, "BlobsReused") > 0, "the shared base layer should count as reused by every image but the first");
    }

    [ToolFact("docker-registry")]
    public void ASavedPlanIsAppliedAsReviewed()
    {
        using var host = new PowerShellHost();
        host.RunClean($"Sync-OciRepository {Host}/src/app {Host}/t3src/app -Include '1.*' | Out-Null");
        var plan = host.RunClean($"Sync-OciRepository {Host}/t3src/app {Host}/t3/app -Plan");
        Assert.Equal(new[] { "Copy", "Copy", "Copy" }, plan.Select(p => Value<string>(p, "Action")));
        Assert.All(plan, p => Assert.Equal(1, Value<int>(p, "FormatVersion")));
        var planned120 = Digest(host, $"{Host}/t3src/app:1.2.0");

        // Since the plan: the source's 1.2.0 moved, and someone wrote the destination's 1.1.0.
        host.RunClean($"Copy-OciImage {Host}/src/app:2.0.0 {Host}/t3src/app:1.2.0 | Out-Null");
        host.RunClean($"Copy-OciImage {Host}/src/app:latest {Host}/t3/app:1.1.0 | Out-Null");

        // Applied from what Import-Clixml would give back (PSSerializer is what it uses).
        var applied = host.Run(
            "$saved = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($plan))\n$saved | Sync-OciRepository",
            new Dictionary<string, object?> { ["plan"] = plan.ToArray() });
        Assert.Empty(applied.Errors);
        var status = StatusByTag(applied);
        Assert.Equal("Copied", status["1.0.0"]);
        Assert.Equal("Skipped", status["1.1.0"]);
        Assert.Equal("Copied", status["1.2.0"]);
        var moved = Results(applied).Single(r => Value<string>(r, "Destination").EndsWith(":1.2.0", StringComparison.Ordinal));
        Assert.Equal(Digest(host, $"{Host}/src/app:2.0.0"), Value<string>(moved, "SourceMovedTo"));
        Assert.Equal(planned120, Digest(host, $"{Host}/t3/app:1.2.0"));
        Assert.Equal(Digest(host, $"{Host}/src/app:latest"), Digest(host, $"{Host}/t3/app:1.1.0"));

        // The same plan as a JSON file: what is now in place is up to date, the changed destination still skipped.
        using var temp = new TempDirectory();
        var json = "[" + string.Join(",", plan.Select(p => System.Text.Json.JsonSerializer.Serialize(
            p.Properties.ToDictionary(x => x.Name, x => x.Value is string[] a ? (object)a : x.Value?.ToString())))) + "]";
        File.WriteAllText(temp.Combine("plan.json"), json);
        var fromFile = host.Run($"Sync-OciRepository -PlanPath '{temp.Combine("plan.json")}'");
        Assert.Empty(fromFile.Errors);
        Assert.Equal(new Dictionary<string, string> { ["1.0.0"] = "UpToDate", ["1.1.0"] = "Skipped", ["1.2.0"] = "UpToDate" }, StatusByTag(fromFile));

        // A plan of another format applies nothing.
        File.WriteAllText(temp.Combine("bad.json"), json.Replace("\"FormatVersion\":\"1\"", "\"FormatVersion\":\"2\"", StringComparison.Ordinal));
        var bad = host.Run($"Sync-OciRepository -PlanPath '{temp.Combine("bad.json")}'");
        Assert.Contains(bad.Errors, e => e.FullyQualifiedErrorId.StartsWith("InvalidSyncPlan,", StringComparison.Ordinal) && e.ToString().Contains("items[0]", StringComparison.Ordinal));
        Assert.Empty(Results(bad));
    }

    [ToolFact("docker-registry")]
    public void PruneRemovesOnlyTagsOutsideTheSelectionAndKeepsImagesOtherTagsName()
    {
        using var host = new PowerShellHost();
        host.RunClean($"Sync-OciRepository {Host}/src/app {Host}/t4/app -Include '1.*' | Out-Null");
        host.RunClean($"Copy-OciImage {Host}/src/app:1.1.0 {Host}/t4/app:old | Out-Null");
        var kept = Digest(host, $"{Host}/t4/app:1.1.0");

        var plan = host.RunClean($"Sync-OciRepository {Host}/src/app {Host}/t4/app -Include '1.1.0', '1.2.0' -Prune -Plan");
        Assert.Equal(new[] { "1.0.0", "old" }, plan.Where(p => Value<string>(p, "Action") == "Prune").Select(p => Value<string>(p, "Destination").Split(':').Last()).OrderBy(t => t));
        host.RunClean($"Sync-OciRepository {Host}/src/app {Host}/t4/app -Include '1.1.0', '1.2.0' -Prune -WhatIf");
        Assert.Equal(4, host.RunClean($"Get-OciTag {Host}/t4/app").Count);

        var pruned = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t4/app -Include '1.1.0', '1.2.0' -Prune -Force");
        Assert.Empty(pruned.Errors);
        Assert.Equal(2, Value<int>(Summary(pruned), "Pruned"));
        Assert.Equal(new[] { "1.1.0", "1.2.0" }, host.RunClean($"(Get-OciTag {Host}/t4/app).Tag").Select(t => t.ToString()).OrderBy(t => t));
        Assert.Equal(kept, Digest(host, $"{Host}/t4/app:1.1.0"));

        // A selection that takes nothing prunes nothing, and says so.
        var none = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t4/app -Include 'nothing-*' -Prune -Force");
        Assert.Contains(none.Warnings, w => w.Contains("no tag matches", StringComparison.Ordinal));
        Assert.Equal(2, host.RunClean($"Get-OciTag {Host}/t4/app").Count);
    }

    [ToolFact("docker-registry")]
    public void AMappingFileRunsEveryMappingAndASecondRunCopiesNothing()
    {
        using var temp = new TempDirectory();
        using var host = new PowerShellHost();
        File.WriteAllText(temp.Combine("mirrors.psd1"), $$"""
            @{
                Mirrors = @(
                    @{ Source = '{{Host}}/src/app'; Destination = '{{Host}}/t5/app'; Include = '1.*'; Newest = 2 }
                    @{
                        Source = '{{Host}}/src/app'
                        Destination = 'oci:{{temp.Combine("layout")}}'
                        VersionRange = '>=2'
                    }
                )
            }
            """);
        var first = host.Run($"Sync-OciRepository -Path '{temp.Combine("mirrors.psd1")}'");
        Assert.Empty(first.Errors);
        Assert.Equal(3, Value<int>(Summary(first), "Copied"));
        Assert.Equal(new[] { "1.1.0", "1.2.0" }, host.RunClean($"(Get-OciTag {Host}/t5/app).Tag").Select(t => t.ToString()).OrderBy(t => t));
        Assert.Equal(new[] { "2.0.0" }, host.RunClean($"(Get-OciTag oci:{temp.Combine("layout")}).Tag").Select(t => t.ToString()));

        var second = host.Run($"Sync-OciRepository -Path '{temp.Combine("mirrors.psd1")}'");
        Assert.Empty(second.Errors);
        Assert.Equal(0, Value<int>(Summary(second), "Copied"));
        Assert.Equal(3, Value<int>(Summary(second), "UpToDate"));

        File.WriteAllText(temp.Combine("typo.psd1"), $"@{{\n  Mirrors = @(\n    @{{ Source = '{Host}/src/app'; Destination = '{Host}/t5/x'; Exclud = '1.*' }}\n  )\n}}\n");
        var typo = host.Run($"Sync-OciRepository -Path '{temp.Combine("typo.psd1")}'");
        var error = Assert.Single(typo.Errors);
        Assert.StartsWith("InvalidSyncMapping,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("line 3", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Exclud", error.ToString(), StringComparison.Ordinal);
        Assert.Empty(host.RunClean($"Get-OciTag {Host}/t5/x -ErrorAction SilentlyContinue"));

        // Two sources on one destination, one pruning: each would prune the other's tags. Refused before any copy.
        File.WriteAllText(temp.Combine("clash.psd1"), $"@{{ Mirrors = @(\n  @{{ Source = '{Host}/src/app'; Destination = '{Host}/t5/clash'; Include = '1.0.0' }}\n  @{{ Source = '{Host}/t1/app'; Destination = '{Host}/t5/clash'; Prune = $true }}\n) }}");
        var clash = host.Run($"Sync-OciRepository -Path '{temp.Combine("clash.psd1")}'");
        Assert.StartsWith("InvalidSyncMapping,", Assert.Single(clash.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Empty(host.RunClean($"Get-OciTag {Host}/t5/clash -ErrorAction SilentlyContinue"));

        File.WriteAllText(temp.Combine("code.psd1"), "@{ Mirrors = @( @{ Source = (Get-Date).ToString(); Destination = 'x/y' } ) }");
        var code = host.Run($"Sync-OciRepository -Path '{temp.Combine("code.psd1")}'");
        Assert.StartsWith("InvalidSyncMapping,", Assert.Single(code.Errors).FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [ToolFact("docker-registry")]
    public void APlatformFilteredMirrorIsUpToDateWithoutReadingTheSource()
    {
        using var host = new PowerShellHost();
        var first = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t6/app -Include multi -Platform linux/arm64");
        Assert.Equal("Copied", Value<string>(Results(first).Single(), "Status"));
        Assert.NotEqual(Digest(host, $"{Host}/src/app:multi"), Digest(host, $"{Host}/t6/app:multi"));

        using var source = new FaultProxy(Host);
        var again = host.Run($"Sync-OciRepository {source.Host}/src/app {Host}/t6/app -Include multi -Platform linux/arm64");
        Assert.Equal("UpToDate", Value<string>(Results(again).Single(), "Status"));
        Assert.DoesNotContain(source.Log, l => l.StartsWith("GET /v2/src/app/manifests/", StringComparison.Ordinal));

        // Another platform set is not what was written: an update.
        var other = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t6/app -Include multi -Platform linux/amd64");
        Assert.Equal("Updated", Value<string>(Results(other).Single(), "Status"));
    }

    [ToolFact("docker-registry")]
    public void ARecompressedMirrorIsUpToDateWithoutReadingTheSource()
    {
        using var host = new PowerShellHost();
        var first = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t7/app -Include '1.0.0', multi -Compression zstd");
        Assert.Empty(first.Errors);
        Assert.All(Results(first), r => Assert.Equal("Copied", Value<string>(r, "Status")));
        Assert.Equal(new[] { "application/vnd.oci.image.layer.v1.tar+zstd" }, host.RunClean($"(Get-OciLayer {Host}/t7/app:1.0.0).MediaType").Select(m => m.ToString()).Distinct());
        Assert.NotEqual(Digest(host, $"{Host}/src/app:1.0.0"), Digest(host, $"{Host}/t7/app:1.0.0"));

        using var source = new FaultProxy(Host);
        var again = host.Run($"Sync-OciRepository {source.Host}/src/app {Host}/t7/app -Include '1.0.0', multi -Compression zstd");
        Assert.Empty(again.Errors);
        Assert.All(Results(again), r => Assert.Equal("UpToDate", Value<string>(r, "Status")));
        Assert.DoesNotContain(source.Log, l => l.StartsWith("GET /v2/src/app/manifests/", StringComparison.Ordinal));

        // The plan says how it is to be copied, and a saved plan keeps it.
        var plan = host.RunClean($"Sync-OciRepository {Host}/src/app {Host}/t7b/app -Include '1.1.0' -Compression zstd -CompressionLevel 3 -Plan").Single();
        Assert.Equal("zstd", Value<string>(plan, "Compression"));
        Assert.Equal("3", Value<string>(plan, "CompressionLevel"));
    }

    [ToolFact("docker-registry")]
    public void ShardsTogetherDoWhatOneRunDoesAndNoImageTwice()
    {
        var runs = Enumerable.Range(0, 3).Select(i => Task.Run(() =>
        {
            using var host = new PowerShellHost();
            return host.Run($"Sync-OciRepository {Host}/src/app {Host}/t8/app -ShardCount 3 -ShardIndex {i}");
        })).ToArray();
        Task.WaitAll(runs);
        Assert.All(runs, r => Assert.Empty(r.Result.Errors));
        var copied = runs.SelectMany(r => Results(r.Result)).Where(r => Value<string>(r, "Status") == "Copied")
            .Select(r => Value<string>(r, "Destination")).ToList();
        Assert.Equal(copied.Count, copied.Distinct().Count());
        Assert.Equal(SyncFixture.Versions.Length + 1, copied.Count);

        using var host = new PowerShellHost();
        var whole = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t8/app");
        Assert.Equal(SyncFixture.Versions.Length + 1, Value<int>(Summary(whole), "UpToDate"));
    }

    [ToolFact("docker-registry")]
    public void BadInputIsAClearErrorAndNothingIsWritten()
    {
        using var host = new PowerShellHost();
        var missing = host.Run($"Sync-OciRepository {Host}/no/such {Host}/t9/app");
        Assert.NotEmpty(missing.Errors);
        Assert.Empty(host.RunClean($"Get-OciTag {Host}/t9/app -ErrorAction SilentlyContinue"));

        var merged = host.Run($"Sync-OciRepository {Host}/src/app, {Host}/t1/app {Host}/t9/app");
        Assert.Contains(merged.Errors, e => e.FullyQualifiedErrorId.StartsWith("InvalidReference,", StringComparison.Ordinal) && e.ToString().Contains("'/'", StringComparison.Ordinal));

        var range = host.Run($"Sync-OciRepository {Host}/src/app {Host}/t9/app -VersionRange '>=banana'");
        Assert.Contains(range.Errors, e => e.FullyQualifiedErrorId.StartsWith("InvalidSelection,", StringComparison.Ordinal));
        Assert.Empty(host.RunClean($"Get-OciTag {Host}/t9/app -ErrorAction SilentlyContinue"));
    }

    [ToolFact("docker-registry")]
    public void APrefixKeepsEachSourceRepositoryApart()
    {
        using var host = new PowerShellHost();
        host.RunClean($"Copy-OciImage {Host}/src/app:1.0.0 {Host}/other/app | Out-Null");
        var run = host.Run($"'{Host}/src/app', '{Host}/other/app' | Sync-OciRepository -Destination {Host}/pfx/ -Include '1.0.0'");
        Assert.Empty(run.Errors);
        Assert.Equal(new[] { $"{Host}/pfx/other/app:1.0.0", $"{Host}/pfx/src/app:1.0.0" }, Results(run).Select(r => Value<string>(r, "Destination")).OrderBy(d => d));
    }
}
