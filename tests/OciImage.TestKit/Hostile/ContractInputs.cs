using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Layout;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// The hostile corpus as cmdlet inputs, for the ErrorId contract: each fixture builds, in a folder of its own, one
/// hostile thing (a layout with a wrong-shaped document, a multiplying or too deep graph, a refused or 50,000-deep
/// layer, an index.json that is too large, an oci-layout that is a pipe, a docker archive of the wrong shape) and
/// gives it in every form a cmdlet takes: a reference, a path (layout folder, archive or layer file), a folder.
/// <see cref="Good"/> builds the sound counterpart that follows it in a pipeline.
/// </summary>
public static class ContractInputs
{
    /// <summary>
    /// The fixtures, by name; each builds its inputs under the folder it is given. One per class of attack (the
    /// other shapes of each class are run by their own tests over fewer cmdlets), so the contract stays near a minute.
    /// </summary>
    public static IReadOnlyList<ContractFixture> All { get; } = new ContractFixture[]
    {
        Json("ManifestLayersNull"),
        Json("LayoutIndexManifestNullEntry"),
        Json("LayoutFileAnArray"),
        new("MultiplyingIndexDag", folder => Layout(folder, layout => HostileGraphs.MultiplyingDag(layout, "bad", 32, 2))),
        Refused("SymlinkLeadingOut"),
        Refused("OversizeLongName"),
        new("PathFiftyThousandDeep", folder => Layout(folder, layout =>
        {
            var layer = DeepPathLayer.AddGzipLayer(layout, DeepPathLayer.Tar());
            TestImages.Compose(layout, "bad", new[] { layer });
            return LayerFile(folder, layout, layer);
        })),
        new("IndexJsonOfThreeGiB", folder => Layout(folder, layout =>
        {
            Good(layout);
            OversizeDocuments.Sparse(Path.Combine(layout, "index.json"), 3L << 30);
        })),
        new("OciLayoutAPipe", folder => Layout(folder, layout =>
        {
            Good(layout);
            OversizeDocuments.Fifo(Path.Combine(layout, "oci-layout"));
        })),
        new("DockerArchiveRepoTagANumber", folder => Archive(folder, HostileJson.All.Single(d => d.Name == "ArchiveRepoTagANumber").Json)),
    };

    /// <summary>A sound image tagged "good" in <paramref name="layout"/> (one small layer); returns the layer's digest.</summary>
    public static string Good(string layout)
    {
        var layer = TestImages.AddTarLayer(layout, new HostileTar().Directory("app/").File("app/hello.txt", "hello").ToArray());
        TestImages.Compose(layout, "good", new[] { layer });
        return layer.Digest;
    }

    /// <summary>The good counterpart of every input form, in <paramref name="folder"/>.</summary>
    public static ContractInput GoodInput(string folder)
    {
        var layout = Path.Combine(folder, "layout");
        var digest = Good(layout);
        var layer = Path.Combine(folder, "layer.tar");
        File.Copy(Path.Combine(layout, "blobs", "sha256", digest.Substring("sha256:".Length)), layer);
        var archive = Archive(folder, """[{"Config":"config.json","RepoTags":["app:good"],"Layers":["layer.tar"]}]""", "good.tar").Path;
        return new ContractInput($"oci:{layout}:good", layout, layer, archive);
    }

    private static ContractFixture Json(string name)
    {
        var document = HostileJson.All.Single(d => d.Name == name);
        return new(name, folder => Layout(folder, layout => HostileLayouts.Write(layout, document)));
    }

    private static ContractFixture Refused(string name)
    {
        var fixture = RefusedLayers.All.Single(f => f.Name == name);
        return new("Layer" + name, folder => Layout(folder, layout =>
        {
            var layer = TestImages.AddTarLayer(layout, fixture.Tar);
            TestImages.Compose(layout, "bad", new[] { layer });
            return LayerFile(folder, layout, layer);
        }));
    }

    private static ContractInput Layout(string folder, Action<string> build)
    {
        var layout = Path.Combine(folder, "layout");
        build(layout);
        return new ContractInput($"oci:{layout}:bad", layout, layout, layout);
    }

    private static ContractInput Layout(string folder, Func<string, string> build)
    {
        var layout = Path.Combine(folder, "layout");
        var layer = build(layout);
        return new ContractInput($"oci:{layout}:bad", layout, layer, layout);
    }

    private static ContractInput Layout(string folder, Func<string, Digest> build)
    {
        var layout = Path.Combine(folder, "layout");
        build(layout);
        return new ContractInput($"oci:{layout}:bad", layout, layout, layout);
    }

    /// <summary>The layer blob copied out as a file, for the cmdlets that read a layer file.</summary>
    private static string LayerFile(string folder, string layout, TestImages.Layer layer)
    {
        var path = Path.Combine(folder, "layer.bin");
        File.Copy(Path.Combine(layout, "blobs", "sha256", layer.Digest.Substring("sha256:".Length)), path);
        return path;
    }

    /// <summary>A docker-save tar whose manifest.json is <paramref name="manifest"/>, beside a sound config and layer.</summary>
    private static ContractInput Archive(string folder, string manifest, string name = "bad.tar")
    {
        Directory.CreateDirectory(folder);
        var layer = new HostileTar().File("hello.txt", "hello").ToArray();
        var config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.Compute(layer) + "\"]}}";
        var tar = new HostileTar().File("manifest.json", manifest).File("config.json", config).File("layer.tar", layer).ToArray();
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, tar);
        return new ContractInput($"docker-archive:{path}", path, path, path);
    }
}

/// <summary>One hostile input of the contract, built on demand.</summary>
public sealed record ContractFixture(string Name, Func<string, ContractInput> Build)
{
    public override string ToString() => Name;
}

/// <summary>An input in each form: an image reference, a path (layout folder or archive), a file (a layer file where there is one) and an archive (for a good input, a sound docker-save tar).</summary>
public sealed record ContractInput(string Reference, string Path, string File, string Archive);

/// <summary>Writes a hostile JSON document where a layout's reader meets it, the image tagged "bad".</summary>
public static class HostileLayouts
{
    public static void Write(string layout, HostileDocument document)
    {
        var json = Encoding.UTF8.GetBytes(document.Json);
        ContractInputs.Good(layout);
        switch (document.Kind)
        {
            case JsonDocumentKind.LayoutIndex:
                File.WriteAllBytes(System.IO.Path.Combine(layout, "index.json"), json);
                return;
            case JsonDocumentKind.LayoutFile:
                File.WriteAllBytes(System.IO.Path.Combine(layout, "oci-layout"), json);
                return;
        }

        using var store = OciLayoutStore.Open(layout);
        Descriptor entry;
        if (document.Kind == JsonDocumentKind.Config)
        {
            Put(store, json);
            var manifest = ManifestParser.Create(new ImageManifest
            {
                SchemaVersion = 2,
                DeclaredMediaType = MediaTypes.OciManifest,
                Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(json), Size = json.Length },
                Layers = new List<Descriptor>(),
            });
            Put(store, manifest.GetRawBytes());
            entry = manifest.ToDescriptor();
        }
        else
        {
            Put(store, json);
            entry = new Descriptor { MediaType = document.Kind == JsonDocumentKind.Index ? MediaTypes.OciIndex : MediaTypes.OciManifest, Digest = Digest.Compute(json), Size = json.Length };
        }

        store.UpdateIndexAsync(index => index.Add(entry, "bad"), default).GetAwaiter().GetResult();
    }

    private static void Put(OciLayoutStore store, byte[] bytes)
    {
        var path = store.BlobPath(Digest.Compute(bytes));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
