using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.Rewrite;

/// <summary>
/// A config edited as JSON (fields the module does not model survive): the DiffIDs replaced, the history entries
/// of removed layers dropped (empty_layer entries stay, they describe no layer), and the times set.
/// </summary>
internal sealed class ConfigRewrite
{
    private readonly JsonObject _root;
    private readonly ImageConfig _config;

    public ConfigRewrite(ImageConfig config)
    {
        _config = config;
        try
        {
            _root = JsonNode.Parse(config.GetRawBytes()) as JsonObject ?? throw new InvalidManifestException($"config {config.Digest}", "it is not a JSON object");
            _ = _root.Count; // members are built lazily: a duplicate name throws here
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidManifestException($"config {config.Digest}", "it cannot be edited (" + ex.Message + ")");
        }
    }

    /// <summary>True when the history's non-empty entries are one per layer, so a layer's entry is known.</summary>
    public bool HistoryMatchesLayers => _config.History is not null && _config.LayerHistory().Count == _config.RootFs.DiffIds.Count;

    /// <summary>The created_by of each layer's history entry, when the history matches the layers.</summary>
    public IReadOnlyList<string?>? LayerCreatedBy => HistoryMatchesLayers ? _config.LayerHistory().Select(h => h?.CreatedBy).ToList() : null;

    /// <summary>Sets the DiffIDs and drops the history entries of the layers at <paramref name="removed"/> (old positions).</summary>
    public void SetLayers(IReadOnlyList<Digest> diffIds, ISet<int> removed)
    {
        var rootfs = _root["rootfs"] as JsonObject ?? new JsonObject { ["type"] = "layers" };
        _root["rootfs"] = rootfs;
        rootfs["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode?)JsonValue.Create(d.ToString())).ToArray());
        if (removed.Count == 0 || _root["history"] is not JsonArray history)
        {
            return;
        }

        var kept = new JsonArray();
        var layer = 0;
        foreach (var entry in history.ToList())
        {
            history.Remove(entry);
            var empty = entry is JsonObject o && o["empty_layer"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
            if (empty || !removed.Contains(layer))
            {
                kept.Add(entry);
            }

            if (!empty)
            {
                layer++;
            }
        }

        _root["history"] = kept;
    }

    /// <summary>Sets created, and each history entry's created; returns how many history entries there are.</summary>
    public int SetTimes(DateTimeOffset time)
    {
        var text = time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        _root["created"] = text;
        var count = 0;
        if (_root["history"] is JsonArray history)
        {
            foreach (var entry in history.OfType<JsonObject>())
            {
                entry["created"] = text;
                count++;
            }
        }

        return count;
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(_root, OciJson.Options);
}
