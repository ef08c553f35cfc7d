using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using OciImage.Core;
using OciImage.Core.Layout;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.TestKit;

/// <summary>
/// Puts layers that are already in a layout into an image (config with their DiffIDs, manifest, tag): the
/// least an image needs, so layer tests do not depend on the composition cmdlets. Test data only.
/// </summary>
public static class TestImages
{
    public sealed record Layer(string Digest, string DiffId, long Size, string MediaType);

    public static string Compose(string layout, string tag, IReadOnlyList<Layer> layers, string architecture = "amd64")
    {
        using var store = OciLayoutStore.OpenOrCreate(layout);
        var diffIds = string.Join(",", layers.Select(l => "\"" + l.DiffId + "\""));
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"{architecture}\",\"os\":\"linux\",\"config\":{{}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{diffIds}]}}}}");
        var configDescriptor = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = Digest.Compute(config), Size = config.Length };
        store.PutBlobAsync(configDescriptor, new MemoryStream(config), null, CancellationToken.None).GetAwaiter().GetResult();
        var manifest = ManifestParser.Create(new ImageManifest
        {
            SchemaVersion = 2,
            DeclaredMediaType = MediaTypes.OciManifest,
            Config = configDescriptor,
            Layers = layers.Select(l => new Descriptor { MediaType = l.MediaType, Digest = Digest.Parse(l.Digest), Size = l.Size }).ToList(),
        });
        store.PutManifestAsync(manifest, tag, CancellationToken.None).GetAwaiter().GetResult();
        return manifest.Digest.ToString();
    }

    /// <summary>Writes a tar (uncompressed) into the layout as a layer and describes it.</summary>
    public static Layer AddTarLayer(string layout, byte[] tar)
    {
        using var store = OciLayoutStore.OpenOrCreate(layout);
        var digest = Digest.Compute(tar);
        store.PutBlobAsync(new Descriptor { MediaType = MediaTypes.OciLayer, Digest = digest, Size = tar.Length }, new MemoryStream(tar), null, CancellationToken.None).GetAwaiter().GetResult();
        return new Layer(digest.ToString(), digest.ToString(), tar.Length, MediaTypes.OciLayer);
    }
}
