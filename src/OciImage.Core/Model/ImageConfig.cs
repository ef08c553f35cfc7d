using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using OciImage.Core.Errors;

namespace OciImage.Core.Model;

/// <summary>The image configuration (OCI config or Docker container config). Unknown fields round-trip.</summary>
public sealed class ImageConfig : IShaped
{
    private byte[] _raw = Array.Empty<byte>();

    [JsonPropertyName("created")]
    [JsonConverter(typeof(LenientDateConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Created { get; set; }

    [JsonPropertyName("author")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Author { get; set; }

    [JsonPropertyName("architecture")]
    public string Architecture { get; set; } = string.Empty;

    [JsonPropertyName("os")]
    public string OS { get; set; } = string.Empty;

    [JsonPropertyName("os.version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OSVersion { get; set; }

    [JsonPropertyName("os.features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OSFeatures { get; set; }

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; set; }

    [JsonPropertyName("config")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ContainerConfig? Config { get; set; }

    [JsonPropertyName("rootfs")]
    public RootFs RootFs { get; set; } = new();

    [JsonPropertyName("history")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HistoryEntry>? History { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    [JsonIgnore]
    public Digest Digest { get; private set; }

    [JsonIgnore]
    public long Size => _raw.Length;

    [JsonIgnore]
    public Platform Platform => new(OS, Architecture, Variant, OSVersion, OSFeatures);

    public byte[] GetRawBytes() => (byte[])_raw.Clone();

    /// <summary>Parses config bytes; the digest is over those bytes.</summary>
    public static ImageConfig Parse(byte[] raw, string what)
    {
        var config = OciJson.Read<ImageConfig>(raw, (reason, inner) => new InvalidManifestException(what, "the image config is not of the spec's shape: " + reason, inner));
        config._raw = raw;
        config.Digest = Digest.Compute(raw);
        return config;
    }

    /// <summary>os and architecture are strings (absent is empty), rootfs is there and lists digests, nothing inside is null.</summary>
    public void CheckShape(string path)
    {
        Shape.NotNull(Architecture, Shape.Member(path, "architecture"), "a string");
        Shape.NotNull(OS, Shape.Member(path, "os"), "a string");
        Shape.NoNullItems(OSFeatures, Shape.Member(path, "os.features"));
        Config?.CheckShape(Shape.Member(path, "config"));
        Shape.Required(RootFs, Shape.Member(path, "rootfs"), "an object with diff_ids").CheckShape(Shape.Member(path, "rootfs"));
        Shape.Each(History, Shape.Member(path, "history"));
    }

    /// <summary>The history entries that describe layers (not empty_layer), in layer order.</summary>
    public IReadOnlyList<HistoryEntry?> LayerHistory()
    {
        var result = new List<HistoryEntry?>();
        if (History is null)
        {
            return result;
        }

        foreach (var entry in History)
        {
            if (entry.EmptyLayer != true)
            {
                result.Add(entry);
            }
        }

        return result;
    }
}

/// <summary>The execution parameters of the config ("config" in OCI, "config" in Docker).</summary>
public sealed class ContainerConfig : IShaped
{
    [JsonPropertyName("User")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? User { get; set; }

    [JsonPropertyName("ExposedPorts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? ExposedPorts { get; set; }

    [JsonPropertyName("Env")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Env { get; set; }

    [JsonPropertyName("Entrypoint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Entrypoint { get; set; }

    [JsonPropertyName("Cmd")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Cmd { get; set; }

    [JsonPropertyName("Volumes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? Volumes { get; set; }

    [JsonPropertyName("WorkingDir")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WorkingDir { get; set; }

    [JsonPropertyName("Labels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("StopSignal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StopSignal { get; set; }

    /// <summary>Every member may be null (Docker writes "Cmd": null), but not the items of its lists and maps.</summary>
    public void CheckShape(string path)
    {
        Shape.NoNullItems(Env, Shape.Member(path, "Env"));
        Shape.NoNullItems(Entrypoint, Shape.Member(path, "Entrypoint"));
        Shape.NoNullItems(Cmd, Shape.Member(path, "Cmd"));
        Shape.NoNullValues(Labels, Shape.Member(path, "Labels"));
    }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The config's rootfs: the DiffIDs of the layers, in order (the digests of their uncompressed tars).</summary>
public sealed class RootFs : IShaped
{
    [JsonPropertyName("type")]
    public string Type { get; set; } = "layers";

    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<Digest> DiffIds { get; set; } = Array.Empty<Digest>();

    /// <summary>diff_ids, when given, is an array of digests (each item is checked by the digest converter).</summary>
    public void CheckShape(string path) => Shape.NotNull(DiffIds, Shape.Member(path, "diff_ids"), "an array of digests");
}

/// <summary>One line of an image's history: what made a layer (or a metadata-only change, EmptyLayer).</summary>
public sealed class HistoryEntry : IShaped
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(LenientDateConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Created { get; set; }

    [JsonPropertyName("created_by")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; set; }

    [JsonPropertyName("author")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Author { get; set; }

    [JsonPropertyName("comment")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Comment { get; set; }

    [JsonPropertyName("empty_layer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? EmptyLayer { get; set; }

    /// <summary>Every member is optional and typed by the serializer: nothing more to check.</summary>
    public void CheckShape(string path)
    {
    }
}
