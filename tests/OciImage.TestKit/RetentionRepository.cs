using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layout;

namespace OciImage.TestKit;

/// <summary>
/// A repository as retention meets it, in a layout: dated releases sharing a base layer, a kept alias naming the
/// same image as a release a date rule removes, an undated tag and one whose date does not parse, so a run of
/// "keep the newest 2, remove what is older than 2024-02-15" has a known answer:
/// removed 1.0 and 1.1 (date), 1.2 (newest; its image stays, as legacy, which is not a version); kept 2.0, 2.1,
/// legacy, nightly (undated: its created text does not parse).
/// </summary>
public sealed class RetentionRepository
{
    public const string CutOff = "2024-02-15";

    public RetentionRepository(string layout)
    {
        Layout = layout;
        var shared = Layer('b', 1000);
        Digests["1.0"] = Image("1.0", "2024-01-01T00:00:00Z", shared, Layer('a', 300));
        Digests["1.1"] = Image("1.1", "2024-02-01T00:00:00Z", shared, Layer('c', 400));
        Digests["1.2"] = Image("1.2", "2024-03-01T00:00:00Z", shared, Layer('d', 500));
        Digests["legacy"] = Tag("legacy", Digests["1.2"]);
        Digests["2.0"] = Image("2.0", "2024-06-01T00:00:00Z", shared, Layer('e', 600));
        Digests["2.1"] = Image("2.1", "2024-07-01T00:00:00Z", shared, Layer('f', 700));
        Digests["nightly"] = Image("nightly", "last tuesday", shared, Layer('n', 800));
    }

    public string Layout { get; }

    /// <summary>Each tag's manifest digest.</summary>
    public Dictionary<string, string> Digests { get; } = new();

    public static readonly string[] Removed = { "1.0", "1.1", "1.2" };

    public static readonly string[] Kept = { "2.0", "2.1", "legacy", "nightly" };

    /// <summary>What removing 1.0, 1.1 and 1.2 frees: 1.0's and 1.1's manifest, config and own layer (1.2's image stays as legacy).</summary>
    public long FreedBytes => Own("1.0", 300) + Own("1.1", 400);

    /// <summary>A manifest's own bytes, its config's, and its one unshared layer's.</summary>
    public long Own(string tag, long layer)
    {
        var manifest = Blob(Digests[tag]);
        var config = System.Text.Json.Nodes.JsonNode.Parse(manifest)!["config"]!["digest"]!.GetValue<string>();
        return manifest.Length + Blob(config).Length + layer;
    }

    private byte[] Blob(string digest) => File.ReadAllBytes(Path.Combine(Layout, "blobs", "sha256", digest.Substring(7)));

    private TestImages.Layer Layer(char c, int size) => TestImages.AddTarLayer(Layout, Encoding.ASCII.GetBytes(new string(c, size)));

    private string Image(string tag, string created, params TestImages.Layer[] layers) =>
        TestImages.Compose(Layout, tag, layers, new TestImages.Settings { Created = created }).Digest.ToString();

    private string Tag(string tag, string digest)
    {
        using var store = OciLayoutStore.OpenOrCreate(Layout);
        var manifest = store.GetManifestAsync(Reference.Parse($"oci:{Layout}@{digest}"), CancellationToken.None).GetAwaiter().GetResult();
        store.TagAsync(manifest, tag, CancellationToken.None).GetAwaiter().GetResult();
        return digest;
    }
}
