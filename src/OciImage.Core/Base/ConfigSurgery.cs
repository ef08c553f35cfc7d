using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.Base;

/// <summary>
/// Edits an image config's layers and history as JSON, so fields the module does not model survive: what a
/// squash and a rebase change, and nothing else. History stays consistent: one entry without empty_layer for
/// each DiffID, in order.
/// </summary>
internal sealed class ConfigSurgery
{
    private readonly JsonObject _root;

    private ConfigSurgery(JsonObject root) => _root = root;

    public static ConfigSurgery Of(ImageConfig config)
    {
        try
        {
            var node = JsonNode.Parse(config.GetRawBytes()) as JsonObject ?? throw new InvalidManifestException($"config {config.Digest}", "it is not a JSON object");
            _ = node.Count;
            return new ConfigSurgery(node);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidManifestException($"config {config.Digest}", "it cannot be edited (" + ex.Message + ")");
        }
    }

    /// <summary>Keeps the first <paramref name="count"/> layers (and the history up to the next layer's entry), then adds one layer with its history entry.</summary>
    public void ReplaceLayersAbove(int count, Digest diffId, string createdBy, string comment)
    {
        var diffIds = DiffIds();
        var kept = new JsonArray(diffIds.Take(count).Select(d => (JsonNode)JsonValue.Create(d.ToString())!).ToArray());
        kept.Add(diffId.ToString());
        Rootfs()["diff_ids"] = kept;
        var history = HistoryNodes();
        var baseHistory = history.Take(HistoryCountFor(history, count)).ToList();
        var created = LatestCreated(history) ?? _root["created"]?.DeepClone();
        var entry = new JsonObject { ["created_by"] = createdBy, ["comment"] = comment };
        if (created is not null)
        {
            entry["created"] = created.DeepClone();
        }

        baseHistory.Add(entry);
        _root["history"] = new JsonArray(baseHistory.Select(h => h.DeepClone()).ToArray());
    }

    /// <summary>
    /// crane rebase's stitch: the old base's <paramref name="oldLayers"/> layers and <paramref name="oldHistory"/>
    /// history entries give way to the new base's; os, architecture, variant, os.version and os.features come from
    /// the new base; everything else (config, labels, env, author, created) stays the image's.
    /// </summary>
    public void Rebase(int oldLayers, int oldHistory, ImageConfig newBase)
    {
        var diffIds = newBase.RootFs.DiffIds.Concat(DiffIds().Skip(oldLayers)).Select(d => (JsonNode)JsonValue.Create(d.ToString())!).ToArray();
        Rootfs()["diff_ids"] = new JsonArray(diffIds);
        var baseRoot = JsonNode.Parse(newBase.GetRawBytes()) as JsonObject;
        var newHistory = (baseRoot?["history"] as JsonArray)?.Select(h => h?.DeepClone()).ToList() ?? new List<JsonNode?>();
        newHistory.AddRange(HistoryNodes().Skip(oldHistory).Select(h => h.DeepClone()));
        _root["history"] = new JsonArray(newHistory.ToArray());
        foreach (var key in new[] { "os", "architecture", "variant", "os.version", "os.features" })
        {
            if (baseRoot?[key] is { } value)
            {
                _root[key] = value.DeepClone();
            }
            else
            {
                _root.Remove(key);
            }
        }
    }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(_root, OciJson.Options);

    /// <summary>How many history entries belong to the first <paramref name="layers"/> layers: those before the next layer's own entry.</summary>
    public static int HistoryCountFor(IReadOnlyList<JsonNode> history, int layers)
    {
        var seen = 0;
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i]?["empty_layer"]?.GetValueKind() == JsonValueKind.True)
            {
                continue;
            }

            if (seen == layers)
            {
                return i;
            }

            seen++;
        }

        return history.Count;
    }

    public static int HistoryCountFor(ImageConfig config, int layers) => HistoryCountFor(Of(config).HistoryNodes(), layers);

    private List<Digest> DiffIds() => (Rootfs()["diff_ids"] as JsonArray ?? new JsonArray()).Select(d => Digest.Parse(d!.GetValue<string>())).ToList();

    private JsonObject Rootfs()
    {
        if (_root["rootfs"] is not JsonObject rootfs)
        {
            rootfs = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() };
            _root["rootfs"] = rootfs;
        }

        return rootfs;
    }

    private List<JsonNode> HistoryNodes() => (_root["history"] as JsonArray)?.Where(h => h is not null).Select(h => h!).ToList() ?? new List<JsonNode>();

    private static JsonNode? LatestCreated(IEnumerable<JsonNode> history) =>
        history.Select(h => h["created"]).Where(c => c is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            .OrderBy(c => DateTimeOffset.Parse(c!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))
            .LastOrDefault();
}
