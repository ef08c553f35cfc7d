using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using OciImage.Core.Layers;
using OciImage.Core.Model;

namespace OciImage.Core.Images;

/// <summary>
/// Edits a config as JSON, so fields the module does not model survive; appends layers' DiffIDs and history.
/// Serialised once; the digest is over those bytes.
/// </summary>
internal sealed class ConfigEditor
{
    private readonly JsonObject _root;

    private ConfigEditor(JsonObject root) => _root = root;

    public static ConfigEditor FromBase(ImageConfig? config, Platform platform)
    {
        if (config is not null)
        {
            try
            {
                var node = JsonNode.Parse(config.GetRawBytes()) as JsonObject ?? new JsonObject();
                _ = node.Count; // JsonObject builds its members lazily: a duplicate member name throws here, not later
                return new ConfigEditor(node);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                throw new Errors.InvalidManifestException($"config {config.Digest}", "it cannot be edited (" + ex.Message + ")");
            }
        }

        return new ConfigEditor(new JsonObject
        {
            ["architecture"] = platform.Architecture,
            ["os"] = platform.OS,
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray() },
            ["history"] = new JsonArray(),
        });
    }

    public void SetCreated(DateTimeOffset created) => _root["created"] = Rfc3339(created);

    public void Apply(ConfigChanges changes)
    {
        var config = Object(_root, "config");
        if (changes.Platform is { } platform)
        {
            _root["architecture"] = platform.Architecture;
            _root["os"] = platform.OS;
            if (platform.Variant is null)
            {
                _root.Remove("variant");
            }
            else
            {
                _root["variant"] = platform.Variant;
            }
        }

        if (changes.Entrypoint is not null)
        {
            config["Entrypoint"] = Array(changes.Entrypoint);
        }

        if (changes.Command is not null)
        {
            config["Cmd"] = Array(changes.Command);
        }

        if (changes.WorkingDirectory is not null)
        {
            config["WorkingDir"] = changes.WorkingDirectory;
        }

        if (changes.User is not null)
        {
            config["User"] = changes.User;
        }

        if (changes.StopSignal is not null)
        {
            config["StopSignal"] = changes.StopSignal;
        }

        if (changes.Environment is not null)
        {
            var env = (config["Env"] as JsonArray)?.Select(n => n?.GetValue<string>() ?? string.Empty).ToList() ?? new List<string>();
            foreach (var pair in changes.Environment)
            {
                env.RemoveAll(e => e == pair.Key || e.StartsWith(pair.Key + "=", StringComparison.Ordinal));
                if (pair.Value is not null)
                {
                    env.Add(pair.Key + "=" + pair.Value);
                }
            }

            config["Env"] = Array(env);
        }

        if (changes.Labels is not null)
        {
            var labels = Object(config, "Labels");
            foreach (var pair in changes.Labels.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (pair.Value is null)
                {
                    labels.Remove(pair.Key);
                }
                else
                {
                    labels[pair.Key] = pair.Value;
                }
            }
        }

        if (changes.ExposedPorts is not null)
        {
            var ports = Object(config, "ExposedPorts");
            foreach (var port in changes.ExposedPorts)
            {
                ports[port.Contains("/") ? port : port + "/tcp"] = new JsonObject();
            }
        }

        if (changes.Volumes is not null)
        {
            var volumes = Object(config, "Volumes");
            foreach (var volume in changes.Volumes)
            {
                volumes[volume] = new JsonObject();
            }
        }
    }

    public void AddLayer(Digest diffId, string? createdBy, DateTimeOffset created, string? comment)
    {
        var rootfs = Object(_root, "rootfs");
        rootfs["type"] ??= "layers";
        var diffIds = rootfs["diff_ids"] as JsonArray ?? new JsonArray();
        rootfs["diff_ids"] = diffIds;
        diffIds.Add(diffId.ToString());
        AddHistory(createdBy, created, comment, emptyLayer: false);
    }

    public void AddHistory(string? createdBy, DateTimeOffset created, string? comment, bool emptyLayer)
    {
        var history = _root["history"] as JsonArray ?? new JsonArray();
        _root["history"] = history;
        var entry = new JsonObject { ["created"] = Rfc3339(created) };
        if (createdBy is not null)
        {
            entry["created_by"] = createdBy;
        }

        if (comment is not null)
        {
            entry["comment"] = comment;
        }

        if (emptyLayer)
        {
            entry["empty_layer"] = true;
        }

        history.Add(entry);
    }

    public Platform Platform => new(
        _root["os"]?.GetValue<string>() ?? "linux",
        _root["architecture"]?.GetValue<string>() ?? "amd64",
        _root["variant"]?.GetValue<string>());

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(_root, OciJson.Options);

    private static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Object(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
