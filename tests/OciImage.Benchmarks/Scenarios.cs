using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>The scenarios of the benchmark issue, each against what users would use instead.</summary>
public static class Scenarios
{
    /// <summary>A shell command that decompresses every layer of a layout image at once, each by its own process.</summary>
    private static string DecompressAll(string layout, string tag, string tool)
    {
        string Blob(string digest) => Path.Combine(layout, "blobs", "sha256", digest.Substring("sha256:".Length));
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(layout, "index.json")));
        var manifest = index.RootElement.GetProperty("manifests").EnumerateArray()
            .First(m => m.TryGetProperty("annotations", out var a) && a.TryGetProperty("org.opencontainers.image.ref.name", out var n) && n.GetString() == tag)
            .GetProperty("digest").GetString()!;
        using var image = JsonDocument.Parse(File.ReadAllText(Blob(manifest)));
        var layers = image.RootElement.GetProperty("layers").EnumerateArray().Select(l => Blob(l.GetProperty("digest").GetString()!));
        return "(" + string.Concat(layers.Select(l => $"{tool} -dc \"{l}\" > /dev/null & ")) + "wait)";
    }

    /// <summary>The contender that runs the operation several times in one process and reports the last run.</summary>
    public const string InSession = "OciImage engine, in session";

    /// <summary>Runs in a session: two to warm up (start-up, JIT, connections), the third timed.</summary>
    private const int SessionRuns = 3;

    public static IReadOnlyList<Scenario> All(DataSet data, string self)
    {
        var tls = "--src-tls-verify=false --dest-tls-verify=false";
        string Engine(string args) => $"dotnet \"{self}\" --run {args}";
        string Session(string args) => $"dotnet \"{self}\" --session {SessionRuns} {args}";
        string Cmdlet(string script) => $"dotnet \"{self}\" --cmdlet \"{script}\"";
        // The cmdlet as a runbook step runs it: a new pwsh that imports the built module (errors stop it, non-zero).
        string Pwsh(string script) =>
            $"pwsh -NoProfile -NonInteractive -c '$ErrorActionPreference = \"Stop\"; Import-Module \"{Path.Combine(RepoPaths.ModuleFolder, "OciImage.psd1")}\"; {script} | Out-Null'";
        void Clear(string path)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }

        // OCIIMAGE_BENCH_BASELINE=an older build's OciImage.Benchmarks.dll: its engine runs beside this one in the
        // analysis scenarios, alternated in the same runs, for before/after figures under the same load.
        var baseline = System.Environment.GetEnvironmentVariable("OCIIMAGE_BENCH_BASELINE");
        Scenario WithBaseline(Scenario scenario, string args) =>
            baseline is null ? scenario : scenario.Add("OciImage engine, baseline", () => $"dotnet \"{baseline}\" --run {args}");

        var layerOut = data.Scratch("layer");
        var pulled = data.Scratch("pulled");
        var pulledInSession = data.Scratch("pulled-session");
        var expanded = data.Scratch("expanded");
        var list = new List<Scenario>
        {
            new Scenario("layer-build", "a layer (tar + gzip) of the tree")
                { Reset = () => { Clear(layerOut); Directory.CreateDirectory(layerOut); } }
                .Add("OciImage engine", () => Engine($"layer \"{data.Tree}\" \"{layerOut}\""))
                .Add("OciImage cmdlet", () => Cmdlet($"New-OciLayer '{data.Tree}' -OutputDirectory '{layerOut}'"))
                .Add("OciImage engine, portable", () => Engine($"layer-portable \"{data.Tree}\" \"{layerOut}\""))
                .Add("OciImage cmdlet, portable", () => Cmdlet($"New-OciLayer '{data.Tree}' -OutputDirectory '{layerOut}' -GzipEncoder Portable"))
                .Add(InSession, () => Session($"layer \"{data.Tree}\" \"{layerOut}\""))
                .Add(InSession + ", portable", () => Session($"layer-portable \"{data.Tree}\" \"{layerOut}\""))
                .Add("tar | gzip -6", () => $"tar --sort=name -cf - -C \"{data.Tree}\" . | gzip -6 > \"{layerOut}/layer.tar.gz\"")
                .Add("tar | pigz -6", () => $"tar --sort=name -cf - -C \"{data.Tree}\" . | pigz -6 > \"{layerOut}/layer.tar.gz\"")
                .Add("umoci insert", () => $"umoci insert --image \"{data.UmociLayout}:base\" --tag next \"{data.Tree}\" /data"),
            new Scenario("copy", "registry to registry, 5 layers")
                { Reset = data.FreshDestination }
                .Add("OciImage engine", () => Engine($"copy {data.Source.Host}/big/app:1 {data.Destination.Host}/big/app:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage {data.Source.Host}/big/app:1 {data.Destination.Host}/big/app:1"))
                .Add(InSession, () => Session($"copy {data.Source.Host}/big/app:1 {data.Destination.Host}/big/app{{i}}:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/big/app:1 docker://{data.Destination.Host}/big/app:1"),
            new Scenario("pull", "registry to layout")
                { Reset = () => { Clear(pulled); Clear(pulledInSession); } }
                .Add("OciImage engine", () => Engine($"copy {data.Source.Host}/big/app:1 oci:{pulled}:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage {data.Source.Host}/big/app:1 oci:{pulled}:1"))
                .Add(InSession, () => Session($"copy {data.Source.Host}/big/app:1 oci:{pulledInSession}/{{i}}:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/big/app:1 oci:{pulled}:1"),
            new Scenario("push", "layout to registry")
                { Reset = data.FreshDestination }
                .Add("OciImage engine", () => Engine($"copy oci:{data.Layout}:big {data.Destination.Host}/big/app:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage oci:{data.Layout}:big {data.Destination.Host}/big/app:1"))
                .Add(InSession, () => Session($"copy oci:{data.Layout}:big {data.Destination.Host}/big/app{{i}}:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} oci:{data.Layout}:big docker://{data.Destination.Host}/big/app:1"),
            new Scenario("recopy", "registry to registry, image already there")
                { Reset = () => ExternalTool.Run("skopeo", "copy", "--quiet", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{data.Source.Host}/big/app:1", $"docker://{data.Destination.Host}/big/app:1") }
                .Add("OciImage engine", () => Engine($"copy {data.Source.Host}/big/app:1 {data.Destination.Host}/big/app:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage {data.Source.Host}/big/app:1 {data.Destination.Host}/big/app:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/big/app:1 docker://{data.Destination.Host}/big/app:1"),
            new Scenario("tags", $"every tag's manifest ({data.TagCount} tags)")
                .Add("OciImage engine", () => Engine($"tags {data.Source.Host}/tags/app"))
                .Add("OciImage cmdlet", () => Cmdlet($"Get-OciTag {data.Source.Host}/tags/app | Get-OciManifest"))
                .Add("skopeo inspect loop", () => $"while read t; do skopeo inspect --raw --tls-verify=false docker://{data.Source.Host}/tags/app:$t > /dev/null; done < \"{data.TagsFile}\""),
            new Scenario("huge-pull", $"registry to layout, one {data.HugeLayerBytes >> 20} MiB layer (peak memory)")
                { Reset = () => Clear(pulled) }
                .Add("OciImage engine", () => Engine($"copy {data.Source.Host}/huge/app:1 oci:{pulled}:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage {data.Source.Host}/huge/app:1 oci:{pulled}:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/huge/app:1 oci:{pulled}:1"),
            new Scenario("huge-copy", $"registry to registry, one {data.HugeLayerBytes >> 20} MiB layer (peak memory)")
                { Reset = data.FreshDestination }
                .Add("OciImage engine", () => Engine($"copy {data.Source.Host}/huge/app:1 {data.Destination.Host}/huge/app:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage {data.Source.Host}/huge/app:1 {data.Destination.Host}/huge/app:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/huge/app:1 docker://{data.Destination.Host}/huge/app:1"),
            new Scenario("expand", "an image to a directory")
                { Reset = () => Clear(expanded) }
                .Add("OciImage engine", () => Engine($"expand oci:{data.Layout}:big \"{expanded}\""))
                .Add("OciImage cmdlet", () => Cmdlet($"Expand-OciImage oci:{data.Layout}:big '{expanded}'"))
                .Add("umoci unpack", () => $"umoci unpack --rootless --image \"{data.Layout}:big\" \"{expanded}\""),

            // Issue 16: analysis reads each layer once, entries only; from a registry it should cost no more than
            // downloading the image (1.2x skopeo copy to a layout at most), from a layout no more than decompressing it.
            new Scenario("analyse", "Measure-OciImage of the 5-layer image in a registry (peer: downloading it)")
                { Reset = () => { Clear(pulled); Directory.CreateDirectory(Path.GetDirectoryName(pulled)!); } }
                .Add("OciImage engine", () => Engine($"analyse {data.Source.Host}/big/app:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Measure-OciImage {data.Source.Host}/big/app:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/big/app:1 oci:{pulled}:1"),
            WithBaseline(new Scenario("analyse-layout", "Measure-OciImage of the image in a layout, gzip layers (peer: decompressing every layer, in parallel)")
                .Add("OciImage engine", () => Engine($"analyse oci:{data.Layout}:big"))
                .Add("OciImage cmdlet", () => Cmdlet($"Measure-OciImage oci:{data.Layout}:big"))
                .Add("gzip -dc, parallel", () => DecompressAll(data.Layout, "big", "gzip")), $"analyse oci:{data.Layout}:big"),
            WithBaseline(new Scenario("analyse-zstd", "Measure-OciImage of the image in a layout, zstd layers (peer: decompressing every layer, in parallel)")
                .Add("OciImage engine", () => Engine($"analyse oci:{data.Layout}:big-zstd"))
                .Add("OciImage cmdlet", () => Cmdlet($"Measure-OciImage oci:{data.Layout}:big-zstd"))
                .Add("zstd -dc, parallel", () => DecompressAll(data.Layout, "big-zstd", "zstd")), $"analyse oci:{data.Layout}:big-zstd"),

            // Issue 30 item 7: every field retention needs, for every tag, against a script's skopeo inspect loop.
            new Scenario("inventory", $"Get-OciTag -Detail All: {data.Inventory.Description}")
                { WallGoal = ("skopeo inspect loop", 0.1) }
                .Add("OciImage engine", () => Engine($"inventory {data.Inventory.Host}/{data.Inventory.Repository}"))
                .Add("OciImage cmdlet", () => Cmdlet($"Get-OciTag {data.Inventory.Host}/{data.Inventory.Repository} -Detail All"))
                .Add("OciImage cmdlet, fresh pwsh", () => Pwsh($"Get-OciTag {data.Inventory.Host}/{data.Inventory.Repository} -Detail All"))
                .Add("skopeo inspect loop", () => CurveSets.SkopeoInspectLoop(data.Inventory)),
        };
        list.AddRange(Mirror(data.Mirror, Engine, data.Mirror.Small ? null : Session, data.Mirror.Small ? null : Cmdlet, tls));
        return list;
    }

    /// <summary>
    /// Issue 29 item 11: Sync-OciRepository against skopeo sync, registry to registry, on a repository of many tags
    /// sharing few layers: fresh, up to date, and with ten tags moved at the source. Both write DEST/mirror/app
    /// (skopeo sync puts the source's last path component under the destination prefix).
    /// </summary>
    /// <remarks>
    /// In a session (the steady state, without start-up and JIT), fresh runs each write a repository of their own
    /// (mirror{i}/app) in the emptied registry; up to date, all three the same; moved has none (only its first run
    /// would find tags moved). With small data (the smoke test) only the engine and skopeo sync run, each once, its
    /// requests counted in that run, to keep the CI suite short.
    /// </remarks>
    private static IEnumerable<Scenario> Mirror(MirrorData mirror, System.Func<string, string> engine, System.Func<string, string>? session, System.Func<string, string>? cmdlet, string tls)
    {
        var repository = MirrorData.Repository;
        const string Skopeo = "skopeo sync";
        Scenario With(Scenario scenario, string? inSession)
        {
            scenario.Add("OciImage engine", () => engine($"sync {mirror.SourceHost}/{repository} {mirror.DestinationHost}/{repository}"));
            if (inSession is not null && session is not null)
            {
                scenario.Add(InSession, () => session($"sync {mirror.SourceHost}/{repository} {mirror.DestinationHost}/{inSession}"));
            }

            if (cmdlet is not null)
            {
                scenario.Add("OciImage cmdlet", () => cmdlet($"Sync-OciRepository {mirror.SourceHost}/{repository} {mirror.DestinationHost}/{repository}"));
            }

            return scenario.Add(Skopeo, () => $"skopeo sync {tls} --src docker --dest docker {mirror.SourceHost}/{repository} {mirror.DestinationHost}/mirror > /dev/null");
        }

        var shape = $"{mirror.Tags} tags sharing {mirror.Layers} layers";
        yield return With(new Scenario("mirror-fresh", $"mirror a repository of {shape}, registry to an empty registry")
        {
            Reset = mirror.Fresh,
            CountInTimedRun = mirror.Small,
            CountRequests = command => mirror.Counted(command, 0),
            WallGoal = (Skopeo, 0.8),
        }, "mirror{i}/app");
        yield return With(new Scenario("mirror-uptodate", $"mirror a repository of {shape}, already up to date")
        {
            Reset = mirror.UpToDate,
            CountInTimedRun = mirror.Small,
            CountRequests = command => mirror.Counted(command, mirror.Tags),
            WallGoal = (Skopeo, 0.1),
            RequestsPerUnchangedTagGoal = 2,
        }, repository);
        yield return With(new Scenario("mirror-moved", $"mirror a repository of {shape}, {MirrorData.MovedCount} tags moved at the source")
        {
            Reset = mirror.Moved,
            CountInTimedRun = mirror.Small,
            CountRequests = command => mirror.Counted(command, mirror.Tags - MirrorData.MovedCount),
        }, null);
    }
}
