using System.Collections.Generic;
using System.IO;
using OciImage.TestKit;

namespace OciImage.Benchmarks;

/// <summary>The scenarios of the benchmark issue, each against what users would use instead.</summary>
public static class Scenarios
{
    public static IReadOnlyList<Scenario> All(DataSet data, string self)
    {
        var tls = "--src-tls-verify=false --dest-tls-verify=false";
        string Engine(string args) => $"dotnet \"{self}\" --run {args}";
        string Cmdlet(string script) => $"dotnet \"{self}\" --cmdlet \"{script}\"";
        void Clear(string path)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }

        var layerOut = data.Scratch("layer");
        var pulled = data.Scratch("pulled");
        var expanded = data.Scratch("expanded");
        var list = new List<Scenario>
        {
            new Scenario("layer-build", "a layer (tar + gzip) of the tree")
                { Reset = () => { Clear(layerOut); Directory.CreateDirectory(layerOut); } }
                .Add("OciImage engine", () => Engine($"layer \"{data.Tree}\" \"{layerOut}\""))
                .Add("OciImage cmdlet", () => Cmdlet($"New-OciLayer '{data.Tree}' -OutputDirectory '{layerOut}'"))
                .Add("OciImage engine, portable", () => Engine($"layer-portable \"{data.Tree}\" \"{layerOut}\""))
                .Add("OciImage cmdlet, portable", () => Cmdlet($"New-OciLayer '{data.Tree}' -OutputDirectory '{layerOut}' -GzipEncoder Portable"))
                .Add("tar | gzip -6", () => $"tar --sort=name -cf - -C \"{data.Tree}\" . | gzip -6 > \"{layerOut}/layer.tar.gz\"")
                .Add("tar | pigz -6", () => $"tar --sort=name -cf - -C \"{data.Tree}\" . | pigz -6 > \"{layerOut}/layer.tar.gz\"")
                .Add("umoci insert", () => $"umoci insert --image \"{data.UmociLayout}:base\" --tag next \"{data.Tree}\" /data"),
            new Scenario("copy", "registry to registry, 5 layers")
                { Reset = data.FreshDestination }
                .Add("OciImage engine", () => Engine($"copy {data.Source.Host}/big/app:1 {data.Destination.Host}/big/app:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage {data.Source.Host}/big/app:1 {data.Destination.Host}/big/app:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/big/app:1 docker://{data.Destination.Host}/big/app:1"),
            new Scenario("pull", "registry to layout")
                { Reset = () => Clear(pulled) }
                .Add("OciImage engine", () => Engine($"copy {data.Source.Host}/big/app:1 oci:{pulled}:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage {data.Source.Host}/big/app:1 oci:{pulled}:1"))
                .Add("skopeo copy", () => $"skopeo copy --quiet {tls} docker://{data.Source.Host}/big/app:1 oci:{pulled}:1"),
            new Scenario("push", "layout to registry")
                { Reset = data.FreshDestination }
                .Add("OciImage engine", () => Engine($"copy oci:{data.Layout}:big {data.Destination.Host}/big/app:1"))
                .Add("OciImage cmdlet", () => Cmdlet($"Copy-OciImage oci:{data.Layout}:big {data.Destination.Host}/big/app:1"))
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
        };
        return list;
    }
}
