using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OciImage.Core.Model;

/// <summary>An OCI content descriptor: what a manifest, index or layout says about one blob.</summary>
public sealed class Descriptor : IShaped
{
    [JsonPropertyName("mediaType")]
    public string MediaType { get; set; } = string.Empty;

    [JsonPropertyName("artifactType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; set; }

    [JsonPropertyName("digest")]
    public Digest Digest { get; set; }

    [JsonPropertyName("size")]
    public long Size { get; set; }

    [JsonPropertyName("urls")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Urls { get; set; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; set; }

    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Data { get; set; }

    [JsonPropertyName("platform")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Platform? Platform { get; set; }

    /// <summary>Fields we do not model, kept so a layout's index.json round-trips without loss.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The ref.name annotation: the tag of an index.json entry.</summary>
    [JsonIgnore]
    public string? RefName => Annotations is not null && Annotations.TryGetValue(OciImage.Core.Annotations.RefName, out var name) ? name : null;

    public Descriptor With(IReadOnlyDictionary<string, string>? annotations) => new()
    {
        MediaType = MediaType,
        ArtifactType = ArtifactType,
        Digest = Digest,
        Size = Size,
        Urls = Urls,
        Annotations = annotations,
        Data = Data,
        Platform = Platform,
        Extra = Extra,
    };

    /// <summary>A digest and a media type (empty when absent, as some writers leave it), a size not below 0, no nulls inside.</summary>
    public void CheckShape(string path)
    {
        Shape.NotNull(MediaType, Shape.Member(path, "mediaType"), "a string");
        if (Digest.IsEmpty)
        {
            throw new JsonShapeException(Shape.Member(path, "digest"), "is missing; a descriptor needs a digest");
        }

        if (Size < 0)
        {
            throw new JsonShapeException(Shape.Member(path, "size"), $"is {Size}; a size is not negative");
        }

        Shape.NoNullItems(Urls, Shape.Member(path, "urls"));
        Shape.NoNullValues(Annotations, Shape.Member(path, "annotations"));
        Platform?.CheckShape(Shape.Member(path, "platform"));
    }

    public override string ToString() => $"{MediaType} {Digest} ({Size} bytes)";
}
