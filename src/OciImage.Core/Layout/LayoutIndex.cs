using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.Layout;

/// <summary>
/// The index.json of a layout, as an immutable value. Entries with a digest of an algorithm this module does not
/// know are kept byte for byte and ignored; so are unknown members, top-level and in entries.
/// </summary>
internal sealed class LayoutIndex
{
    /// <summary>
    /// The largest index.json read (or written): 64 MiB, some 200,000 tagged entries; a larger one is refused
    /// before it is read, as ManifestTooLarge.
    /// </summary>
    public const int MaxSize = 64 * 1024 * 1024;

    private readonly IReadOnlyList<Entry> _entries;
    private readonly IReadOnlyList<KeyValuePair<string, JsonElement>> _otherFields;

    private LayoutIndex(IReadOnlyList<Entry> entries, IReadOnlyList<KeyValuePair<string, JsonElement>> otherFields)
    {
        _entries = entries;
        _otherFields = otherFields;
    }

    /// <summary>The entries we understand, in file order.</summary>
    public IReadOnlyList<Descriptor> Manifests => _entries.Where(e => e.Descriptor is not null).Select(e => e.Descriptor!).ToList();

    /// <summary>How many entries the file has, including ones we do not understand.</summary>
    public int EntryCount => _entries.Count;

    public static LayoutIndex Empty() => new(Array.Empty<Entry>(), Array.Empty<KeyValuePair<string, JsonElement>>());

    /// <summary>
    /// Reads index.json through the shape layer: an object with schemaVersion 2 and a 'manifests' array whose
    /// entries are descriptors (an entry with a digest of an algorithm this module does not know is kept as it is).
    /// Anything else is InvalidManifest naming the JSON path.
    /// </summary>
    public static LayoutIndex Parse(byte[] raw, string what)
    {
        ShapeError invalid = (reason, inner) => new InvalidManifestException(what, "index.json is not of the spec's shape: " + reason, inner);
        using var doc = OciJson.Parse(raw, invalid);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw invalid($"$ is {OciJson.KindOf(root)}; an object is needed", null);
        }

        if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number) || number != 2)
        {
            throw invalid("$.schemaVersion is not 2", null);
        }

        var entries = new List<Entry>();
        var other = new List<KeyValuePair<string, JsonElement>>();
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "schemaVersion":
                case "mediaType":
                    break;
                case "manifests":
                    if (property.Value.ValueKind != JsonValueKind.Array)
                    {
                        throw invalid($"$.manifests is {OciJson.KindOf(property.Value)}; an array is needed", null);
                    }

                    var i = 0;
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        var at = $"$.manifests[{i++}]";
                        entries.Add(new Entry(OfKnownAlgorithm(item) ? OciJson.Read<Descriptor>(item, at, invalid) : null, item.Clone()));
                    }

                    break;
                default:
                    other.Add(new KeyValuePair<string, JsonElement>(property.Name, property.Value.Clone()));
                    break;
            }
        }

        return new LayoutIndex(entries, other);
    }

    /// <summary>
    /// False for an entry whose digest names an algorithm this module does not know (sha384, blake3): a newer
    /// writer's, kept byte for byte and not read. Every other entry must be a descriptor.
    /// </summary>
    private static bool OfKnownAlgorithm(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("digest", out var digest) || digest.ValueKind != JsonValueKind.String)
        {
            return true;
        }

        var text = digest.GetString()!;
        var colon = text.IndexOf(':');
        var algorithm = colon > 0 ? text.Substring(0, colon) : string.Empty;
        return algorithm is Digest.Sha256 or Digest.Sha512 || colon <= 0;
    }

    /// <summary>
    /// Adds a manifest. With a tag, every other entry holding that tag is removed first (one tag per entry);
    /// without one, nothing changes when the digest is already listed.
    /// </summary>
    public LayoutIndex Add(Descriptor manifest, string? tag)
    {
        var entries = _entries.ToList();
        if (tag is null)
        {
            if (entries.Any(e => e.Descriptor?.Digest == manifest.Digest))
            {
                return this;
            }

            entries.Add(new Entry(manifest.With(null), null));
            return new LayoutIndex(entries, _otherFields);
        }

        entries.RemoveAll(e => e.Descriptor?.RefName == tag);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (manifest.Annotations is not null)
        {
            foreach (var pair in manifest.Annotations)
            {
                annotations[pair.Key] = pair.Value;
            }
        }

        annotations[Annotations.RefName] = tag;

        // An untagged entry for the same digest is now redundant.
        entries.RemoveAll(e => e.Descriptor is { } d && d.Digest == manifest.Digest && d.RefName is null);
        entries.Add(new Entry(manifest.With(annotations), null));
        return new LayoutIndex(entries, _otherFields);
    }

    public LayoutIndex RemoveTag(string tag, out bool removed)
    {
        var entries = _entries.ToList();
        removed = entries.RemoveAll(e => e.Descriptor?.RefName == tag) > 0;
        return removed ? new LayoutIndex(entries, _otherFields) : this;
    }

    /// <summary>Removes every entry for a digest (whatever its tag); returns this when none was there.</summary>
    public LayoutIndex RemoveDigest(Digest digest, out int removed)
    {
        var entries = _entries.ToList();
        removed = entries.RemoveAll(e => e.Descriptor?.Digest == digest);
        return removed > 0 ? new LayoutIndex(entries, _otherFields) : this;
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = OciJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schemaVersion", 2);
            writer.WriteString("mediaType", MediaTypes.OciIndex);
            writer.WritePropertyName("manifests");
            writer.WriteStartArray();
            foreach (var entry in _entries)
            {
                if (entry.Raw is { } raw)
                {
                    raw.WriteTo(writer);
                }
                else
                {
                    JsonSerializer.Serialize(writer, entry.Descriptor, OciJson.Options);
                }
            }

            writer.WriteEndArray();
            foreach (var pair in _otherFields)
            {
                writer.WritePropertyName(pair.Key);
                pair.Value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>One entry: the descriptor when we understand it, and the original JSON when unchanged.</summary>
    private sealed record Entry(Descriptor? Descriptor, JsonElement? Raw);
}
