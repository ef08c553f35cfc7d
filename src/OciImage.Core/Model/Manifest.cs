using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OciImage.Core.Model;

/// <summary>
/// A manifest or index together with the exact bytes it was read from. Its digest is always over those bytes,
/// never over re-serialised JSON, so what we copy keeps its identity.
/// </summary>
public abstract class Manifest : IShaped
{
    /// <summary>The most a client must read (distribution spec: registries may refuse over 4 MiB).</summary>
    public const int MaxSize = 4 * 1024 * 1024;

    private byte[] _raw = Array.Empty<byte>();

    [JsonPropertyName("schemaVersion")]
    [JsonPropertyOrder(-3)]
    public int SchemaVersion { get; set; }

    [JsonPropertyName("mediaType")]
    [JsonPropertyOrder(-2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeclaredMediaType { get; set; }

    [JsonPropertyName("artifactType")]
    [JsonPropertyOrder(-1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ArtifactType { get; set; }

    [JsonPropertyName("subject")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Descriptor? Subject { get; set; }

    [JsonPropertyName("annotations")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Annotations { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The media type: the declared one, else the one the transport said, else inferred from the shape.</summary>
    [JsonIgnore]
    public string MediaType { get; internal set; } = string.Empty;

    [JsonIgnore]
    public Digest Digest { get; private set; }

    [JsonIgnore]
    public long Size => _raw.Length;

    /// <summary>A copy of the exact bytes.</summary>
    public byte[] GetRawBytes() => (byte[])_raw.Clone();

    public Descriptor ToDescriptor(IReadOnlyDictionary<string, string>? annotations = null, Platform? platform = null) => new()
    {
        MediaType = MediaType,
        ArtifactType = ArtifactType,
        Digest = Digest,
        Size = Size,
        Annotations = annotations,
        Platform = platform,
    };

    /// <summary>Subject and annotations; each kind adds its own members.</summary>
    public virtual void CheckShape(string path)
    {
        Subject?.CheckShape(Shape.Member(path, "subject"));
        Shape.NoNullValues(Annotations, Shape.Member(path, "annotations"));
    }

    /// <param name="sha256">The sha256 of <paramref name="raw"/> when the caller has just computed it.</param>
    internal void Attach(byte[] raw, string mediaType, Digest? sha256 = null)
    {
        _raw = raw;
        MediaType = mediaType;
        Digest = sha256 is { Algorithm: Digest.Sha256 } known ? known : Digest.Compute(raw, Digest.Sha256);
    }
}

/// <summary>An image manifest: a config and an ordered list of layers (OCI or Docker v2 schema 2).</summary>
public sealed class ImageManifest : Manifest
{
    [JsonPropertyName("config")]
    public Descriptor Config { get; set; } = new();

    [JsonPropertyName("layers")]
    public IReadOnlyList<Descriptor> Layers { get; set; } = Array.Empty<Descriptor>();

    /// <summary>A config descriptor, and layers (absent means none, but not null) that are all descriptors.</summary>
    public override void CheckShape(string path)
    {
        base.CheckShape(path);
        Shape.Required<Descriptor>(Config, Shape.Member(path, "config"), "a config descriptor").CheckShape(Shape.Member(path, "config"));
        Shape.NotNull(Layers, Shape.Member(path, "layers"), "an array of descriptors");
        Shape.Each<Descriptor>(Layers, Shape.Member(path, "layers"));
    }
}

/// <summary>An image index (or Docker manifest list): manifests for several platforms or purposes.</summary>
public sealed class ImageIndex : Manifest
{
    [JsonPropertyName("manifests")]
    public IReadOnlyList<Descriptor> Manifests { get; set; } = Array.Empty<Descriptor>();

    /// <summary>Manifests, not null, each a descriptor with a digest.</summary>
    public override void CheckShape(string path)
    {
        base.CheckShape(path);
        Shape.NotNull(Manifests, Shape.Member(path, "manifests"), "an array of descriptors");
        Shape.Each<Descriptor>(Manifests, Shape.Member(path, "manifests"));
    }

    /// <summary>The platforms the entries name, each once, in entry order (linux/amd64, linux/arm64/v8).</summary>
    public IReadOnlyList<string> Platforms() => PlatformsOf(Manifests);

    /// <summary>The platforms some index entries name, each once, in entry order.</summary>
    public static IReadOnlyList<string> PlatformsOf(IEnumerable<Descriptor> entries) =>
        entries.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString()).Distinct().ToList();
}
