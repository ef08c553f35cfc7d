using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciImage.TestKit;

/// <summary>
/// Test images written by the independent tools (umoci, skopeo), so what OciImage reads is checked against
/// bytes it did not write itself.
/// </summary>
public static class ReferenceImages
{
    /// <summary>Builds an image with umoci: one layer holding <paramref name="files"/> under /app, an entrypoint and env.</summary>
    public static void BuildWithUmoci(string layout, string tag, string architecture, IReadOnlyDictionary<string, string> files)
    {
        if (!Directory.Exists(layout))
        {
            ExternalTool.Run("umoci", "init", "--layout", layout);
        }

        ExternalTool.Run("umoci", "new", "--image", $"{layout}:{tag}");
        var source = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(layout))!, "src-" + tag + "-" + Path.GetRandomFileName());
        foreach (var pair in files)
        {
            var path = Path.Combine(source, pair.Key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, pair.Value);
        }

        ExternalTool.Run("umoci", "insert", "--image", $"{layout}:{tag}", "--history.created_by", "COPY app /app", source, "/app");
        ExternalTool.Run("umoci", "config", "--image", $"{layout}:{tag}",
            "--config.entrypoint", "/app/run", "--config.cmd", "--serve",
            "--config.env", "GREETING=hello", "--config.workingdir", "/app",
            "--config.label", "org.example.team=ops",
            "--architecture", architecture, "--os", "linux", "--no-history");
        Directory.Delete(source, recursive: true);
    }

    /// <summary>The manifest digest skopeo reports for a layout image.</summary>
    public static string SkopeoDigest(string layout, string tag)
    {
        var json = ExternalTool.Run("skopeo", "inspect", $"oci:{layout}:{tag}");
        return JsonDocument.Parse(json).RootElement.GetProperty("Digest").GetString()!;
    }

    /// <summary>The layer digests skopeo reports for a layout image.</summary>
    public static IReadOnlyList<string> SkopeoLayers(string layout, string tag)
    {
        var json = ExternalTool.Run("skopeo", "inspect", $"oci:{layout}:{tag}");
        return JsonDocument.Parse(json).RootElement.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>
    /// Adds a multi-platform index (tagged <paramref name="indexTag"/>) over images already in the layout, the way
    /// a registry-pulled index looks: a blob plus a tagged index.json entry. Test data only.
    /// </summary>
    public static string AddIndex(string layout, string indexTag, params (string Tag, string Os, string Architecture, string? Variant)[] images)
    {
        var indexJson = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!;
        var entries = indexJson["manifests"]!.AsArray();
        var manifests = new JsonArray();
        foreach (var image in images)
        {
            var entry = entries.First(e => e!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == image.Tag)!;
            var platform = new JsonObject { ["architecture"] = image.Architecture, ["os"] = image.Os };
            if (image.Variant is not null)
            {
                platform["variant"] = image.Variant;
            }

            manifests.Add(new JsonObject
            {
                ["mediaType"] = entry["mediaType"]!.GetValue<string>(),
                ["digest"] = entry["digest"]!.GetValue<string>(),
                ["size"] = entry["size"]!.GetValue<long>(),
                ["platform"] = platform,
            });
        }

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = manifests,
        };
        var bytes = Encoding.UTF8.GetBytes(index.ToJsonString());
        var digest = WriteBlob(layout, bytes);
        entries.Add(new JsonObject
        {
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["digest"] = digest,
            ["size"] = bytes.Length,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = indexTag },
        });
        File.WriteAllText(Path.Combine(layout, "index.json"), indexJson.ToJsonString());
        return digest;
    }

    /// <summary>Writes raw bytes as a blob and returns its digest (test data; no checks on purpose).</summary>
    public static string WriteBlob(string layout, byte[] bytes)
    {
        var hex = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256"));
        File.WriteAllBytes(Path.Combine(layout, "blobs", "sha256", hex), bytes);
        return "sha256:" + hex;
    }

    /// <summary>Adds an index.json entry, tagged, for a blob: used to plant broken manifests.</summary>
    public static void AddEntry(string layout, string tag, string mediaType, string digest, long size)
    {
        var indexJson = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!;
        indexJson["manifests"]!.AsArray().Add(new JsonObject
        {
            ["mediaType"] = mediaType,
            ["digest"] = digest,
            ["size"] = size,
            ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = tag },
        });
        File.WriteAllText(Path.Combine(layout, "index.json"), indexJson.ToJsonString());
    }
}
