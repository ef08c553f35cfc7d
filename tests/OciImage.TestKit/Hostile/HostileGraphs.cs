using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit.Hostile;

/// <summary>
/// Manifest graphs that attack walks: a DAG whose paths multiply (each index lists the next many times) and a
/// chain of indexes nested deeper than any stack. Written straight into a layout's blobs (no fsync per blob),
/// with the top tagged.
/// </summary>
public static class HostileGraphs
{
    /// <summary>
    /// <paramref name="levels"/> indexes above one small image, each listing the next <paramref name="fanOut"/>
    /// times: fanOut^levels paths for a walk that does not remember what it saw. The case is 32 levels of 2.
    /// </summary>
    public static Digest MultiplyingDag(string layout, string tag, int levels, int fanOut) =>
        Chain(layout, tag, levels, fanOut);

    /// <summary><paramref name="depth"/> indexes, each listing the next once, above one small image.</summary>
    public static Digest DeepChain(string layout, string tag, int depth) => Chain(layout, tag, depth, 1);

    private static Digest Chain(string layout, string tag, int levels, int fanOut)
    {
        using var store = OciLayoutStore.OpenOrCreate(layout);
        Write(store, SampleManifests.EmptyConfig);
        Manifest below = SampleManifests.Tiny("bottom of " + tag);
        Write(store, below.GetRawBytes());
        for (var level = 0; level < levels; level++)
        {
            var entry = below.ToDescriptor();
            below = ManifestParser.Create(new ImageIndex
            {
                SchemaVersion = 2,
                DeclaredMediaType = MediaTypes.OciIndex,
                // Every entry names linux/amd64, so a platform choice follows the chain down too.
                Manifests = Enumerable.Range(0, fanOut).Select(i => new Descriptor
                {
                    MediaType = entry.MediaType,
                    Digest = entry.Digest,
                    Size = entry.Size,
                    Platform = new Platform("linux", "amd64"),
                    Annotations = new Dictionary<string, string> { ["n"] = i.ToString() },
                }).ToList(),
            });
            Write(store, below.GetRawBytes());
        }

        store.UpdateIndexAsync(index => index.Add(below.ToDescriptor(), tag), default).GetAwaiter().GetResult();
        return below.Digest;
    }

    private static void Write(OciLayoutStore store, byte[] bytes)
    {
        var path = store.BlobPath(Digest.Compute(bytes));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }
}
