using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.Core.Errors;
using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>
/// The index.json of a layout, as an immutable value. Entries that do not parse as descriptors (an unknown
/// digest algorithm, fields of a newer spec) are kept byte for byte and ignored; so are top-level fields.
/// </summary>
public sealed class LayoutIndex
{
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

    public static LayoutIndex Parse(byte[] raw, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(raw);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidManifestException(what, "index.json is not a JSON object");
            }

            if (!root.TryGetProperty("schemaVersion", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != 2)
            {
                throw new InvalidManifestException(what, "index.json needs schemaVersion 2");
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
                            throw new InvalidManifestException(what, "'manifests' in index.json is not an array");
                        }

                        foreach (var item in property.Value.EnumerateArray())
                        {
                            entries.Add(new Entry(TryDescriptor(item), item.Clone()));
                        }

                        break;
                    default:
                        other.Add(new KeyValuePair<string, JsonElement>(property.Name, property.Value.Clone()));
                        break;
                }
            }

            return new LayoutIndex(entries, other);
        }
        catch (JsonException ex)
        {
            throw new InvalidManifestException(what, "index.json is not valid JSON (" + ex.Message + ")", ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidManifestException(what, "index.json has a field of the wrong type (" + ex.Message + ")", ex);
        }
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

    private static Descriptor? TryDescriptor(JsonElement item)
    {
        try
        {
            var descriptor = item.Deserialize<Descriptor>(OciJson.Options);
            return descriptor is null || descriptor.Digest.IsEmpty ? null : descriptor;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>One entry: the descriptor when we understand it, and the original JSON when unchanged.</summary>
    private sealed record Entry(Descriptor? Descriptor, JsonElement? Raw);
}
