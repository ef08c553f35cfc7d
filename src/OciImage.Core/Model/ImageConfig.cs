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
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("author")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Author { get; init; }

    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = string.Empty;

    [JsonPropertyName("os")]
    public string OS { get; init; } = string.Empty;

    [JsonPropertyName("os.version")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OSVersion { get; init; }

    [JsonPropertyName("os.features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? OSFeatures { get; init; }

    [JsonPropertyName("variant")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variant { get; init; }

    [JsonPropertyName("config")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ContainerConfig? Config { get; init; }

    [JsonPropertyName("rootfs")]
    public RootFs RootFs { get; init; } = new();

    [JsonPropertyName("history")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HistoryEntry>? History { get; init; }

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
    public string? User { get; init; }

    [JsonPropertyName("ExposedPorts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? ExposedPorts { get; init; }

    [JsonPropertyName("Env")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Env { get; init; }

    [JsonPropertyName("Entrypoint")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Entrypoint { get; init; }

    [JsonPropertyName("Cmd")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Cmd { get; init; }

    [JsonPropertyName("Volumes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? Volumes { get; init; }

    [JsonPropertyName("WorkingDir")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WorkingDir { get; init; }

    [JsonPropertyName("Labels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Labels { get; init; }

    [JsonPropertyName("StopSignal")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StopSignal { get; init; }

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
    public string Type { get; init; } = "layers";

    [JsonPropertyName("diff_ids")]
    public IReadOnlyList<Digest> DiffIds { get; init; } = Array.Empty<Digest>();

    /// <summary>diff_ids, when given, is an array of digests (each item is checked by the digest converter).</summary>
    public void CheckShape(string path) => Shape.NotNull(DiffIds, Shape.Member(path, "diff_ids"), "an array of digests");
}

/// <summary>One line of an image's history: what made a layer (or a metadata-only change, EmptyLayer).</summary>
public sealed class HistoryEntry : IShaped
{
    [JsonPropertyName("created")]
    [JsonConverter(typeof(LenientDateConverter))]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("created_by")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CreatedBy { get; init; }

    [JsonPropertyName("author")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Author { get; init; }

    [JsonPropertyName("comment")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Comment { get; init; }

    [JsonPropertyName("empty_layer")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? EmptyLayer { get; init; }

    /// <summary>Every member is optional and typed by the serializer: nothing more to check.</summary>
    public void CheckShape(string path)
    {
    }
}
