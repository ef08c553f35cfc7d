using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Archives;

/// <summary>
/// Writes images into a folder in docker save's format: each config as HEX.json, each layer uncompressed as
/// DIFFID/layer.tar (shared layers once), and manifest.json listing them with their RepoTags. Docker keeps no
/// manifest in this format, so an image read back from it has another manifest digest.
/// </summary>
internal sealed class DockerSaveWriter
{
    private readonly string _folder;
    private readonly JsonArray _entries = new();
    private readonly HashSet<string> _written = new();

    public DockerSaveWriter(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    public async Task AddAsync(IImageStore source, ImageManifest manifest, IReadOnlyList<string> repoTags, CancellationToken cancellationToken)
    {
        var config = await ImageReader.GetConfigAsync(source, manifest, cancellationToken).ConfigureAwait(false);
        var configName = config.Digest.Hex + ".json";
        if (_written.Add(configName))
        {
            File.WriteAllBytes(Path.Combine(_folder, configName), config.GetRawBytes());
        }

        var layerNames = new List<string>();
        for (var i = 0; i < manifest.Layers.Count; i++)
        {
            var diffId = i < config.RootFs.DiffIds.Count ? config.RootFs.DiffIds[i] : manifest.Layers[i].Digest;
            var name = diffId.Hex + "/layer.tar";
            if (_written.Add(name))
            {
                Directory.CreateDirectory(Path.Combine(_folder, diffId.Hex));
                using var blob = await source.OpenBlobAsync(manifest.Layers[i], cancellationToken).ConfigureAwait(false);
                using var tar = LayerReader.OpenTar(blob, $"layer {manifest.Layers[i].Digest}");
                using var file = new FileStream(Path.Combine(_folder, name), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                await tar.CopyToAsync(file, 81920, cancellationToken).ConfigureAwait(false);
            }

            layerNames.Add(name);
        }

        _entries.Add(new JsonObject
        {
            ["Config"] = configName,
            ["RepoTags"] = new JsonArray(repoTags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["Layers"] = new JsonArray(layerNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        });
    }

    /// <summary>Writes manifest.json; the folder is then ready to be packed.</summary>
    public void Finish() => File.WriteAllText(Path.Combine(_folder, "manifest.json"), _entries.ToJsonString());
}
