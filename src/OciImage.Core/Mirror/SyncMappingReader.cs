using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Selection;

namespace OciImage.Core.Mirror;

/// <summary>
/// Mirror mappings as data (desired state): each entry a dictionary with Source and Destination and, as on the
/// command line, the selection (Include, Exclude, Match, VersionRange, Variant, IncludePrerelease, CreatedSince,
/// CreatedBefore, Newest, NewestBy, NewestPer), Platform, Single, IncludeReferrers, RequireSameDigest and Prune.
/// A key it does not know is an error, not ignored: a misspelt Exclude must not widen a mirror.
/// </summary>
public static class SyncMappingReader
{
    public const long MaxFileBytes = 16L * 1024 * 1024;

    private static readonly string[] Known =
    {
        "Source", "Destination", "Include", "Name", "Exclude", "Match", "VersionRange", "Variant", "IncludePrerelease",
        "CreatedSince", "CreatedBefore", "Newest", "NewestBy", "NewestPer", "Platform", "Platforms", "Single",
        "IncludeReferrers", "RequireSameDigest", "Prune", "Compression", "CompressionLevel",
    };

    /// <summary>One entry; <paramref name="resolve"/> parses a reference (and makes a relative path absolute).</summary>
    public static SyncMapping FromEntry(IDictionary entry, string where, Func<string, Reference> resolve)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry pair in entry)
        {
            var key = Convert.ToString(pair.Key, CultureInfo.InvariantCulture) ?? string.Empty;
            if (!Known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw new InvalidSyncMappingException(where, $"the key '{key}' is not one of {string.Join(", ", Known)}");
            }

            values[key] = pair.Value;
        }

        object? Get(string key) => values.TryGetValue(key, out var value) ? value : null;
        var source = ReferenceOf(Get("Source"), where, "Source", resolve) ?? throw new InvalidSyncMappingException(where, "the key 'Source' is missing");
        var destination = ReferenceOf(Get("Destination"), where, "Destination", resolve) ?? throw new InvalidSyncMappingException(where, "the key 'Destination' is missing");
        var selection = new TagSelection
        {
            Include = Strings(Get("Include") ?? Get("Name"), where, "Include"),
            Exclude = Strings(Get("Exclude"), where, "Exclude"),
            Pattern = SyncPlanReader.Text(Get("Match")),
            VersionRange = SyncPlanReader.Text(Get("VersionRange")),
            Variant = SyncPlanReader.Text(Get("Variant")),
            IncludePrerelease = Flag(Get("IncludePrerelease"), where, "IncludePrerelease"),
            CreatedSince = Date(Get("CreatedSince"), where, "CreatedSince"),
            CreatedBefore = Date(Get("CreatedBefore"), where, "CreatedBefore"),
            Newest = Number(Get("Newest"), where, "Newest"),
            NewestBy = EnumOf<NewestBy>(Get("NewestBy"), where, "NewestBy") ?? NewestBy.Version,
            NewestPer = EnumOf<VersionLine>(Get("NewestPer"), where, "NewestPer") ?? VersionLine.All,
        };
        try
        {
            selection.Validate();
        }
        catch (InvalidSelectionException ex)
        {
            throw new InvalidSyncMappingException(where, ex.Message.TrimEnd('.'));
        }

        var platforms = Strings(Get("Platform") ?? Get("Platforms"), where, "Platform");
        List<Platform>? parsed = null;
        if (platforms is not null)
        {
            parsed = new List<Platform>();
            foreach (var platform in platforms)
            {
                try
                {
                    parsed.Add(Platform.Parse(platform));
                }
                catch (OciException ex)
                {
                    throw new InvalidSyncMappingException(where, $"Platform '{platform}': {ex.Message.TrimEnd('.')}");
                }
            }
        }

        return new SyncMapping
        {
            Source = source,
            Destination = destination,
            Selection = selection,
            Platforms = parsed,
            Single = Flag(Get("Single"), where, "Single"),
            IncludeReferrers = Flag(Get("IncludeReferrers"), where, "IncludeReferrers"),
            RequireSameDigest = Flag(Get("RequireSameDigest"), where, "RequireSameDigest"),
            Prune = Flag(Get("Prune"), where, "Prune"),
            Compression = SyncPlanReader.Text(Get("Compression")) is { } compression ? CompressionOf(compression, where) : null,
            CompressionLevel = LevelOf(SyncPlanReader.Text(Get("CompressionLevel")), where),
        };
    }

    /// <summary>gzip, zstd or none, as -Compression takes them.</summary>
    public static Layers.LayerCompression CompressionOf(string text, string where) =>
        new[] { "gzip", "zstd", "none" }.Contains(text, StringComparer.OrdinalIgnoreCase)
            ? Layers.Compressions.Parse(text)
            : throw new InvalidSyncMappingException(where, $"Compression '{text}' is not gzip, zstd or none");

    public static Layers.LayerCompressionLevel LevelOf(string? text, string where) =>
        text is null ? Layers.LayerCompressionLevel.Optimal
        : Layers.LayerCompressionLevel.Names.Contains(text, StringComparer.OrdinalIgnoreCase) ? Layers.LayerCompressionLevel.Parse(text)
        : throw new InvalidSyncMappingException(where, $"CompressionLevel '{text}' is not one of {string.Join(", ", Layers.LayerCompressionLevel.Names)}");

    /// <summary>A JSON mapping file: an array of entries, or an object whose "mirrors" holds them.</summary>
    public static IReadOnlyList<SyncMapping> ReadJson(string path, Func<string, Reference> resolve) =>
        PlainValues.JsonEntries(path, MaxFileBytes, "mirrors", (where, why) => new InvalidSyncMappingException(where, why))
            .Select(e => FromEntry(e.Entry, e.Where, resolve)).ToList();

    private static Reference? ReferenceOf(object? value, string where, string key, Func<string, Reference> resolve)
    {
        var text = SyncPlanReader.Text(value);
        if (text is null)
        {
            return null;
        }

        try
        {
            return resolve(text);
        }
        catch (OciException ex)
        {
            throw new InvalidSyncMappingException(where, $"{key} '{text}': {ex.Message.TrimEnd('.')}");
        }
    }

    private static IReadOnlyList<string>? Strings(object? value, string where, string key)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return new[] { text };
            case IEnumerable items:
                var list = new List<string>();
                foreach (var item in items)
                {
                    list.Add(SyncPlanReader.Text(item) ?? throw new InvalidSyncMappingException(where, $"{key} holds an empty entry"));
                }

                return list;
            default:
                return new[] { SyncPlanReader.Text(value) ?? throw new InvalidSyncMappingException(where, $"{key} is empty") };
        }
    }

    private static bool Flag(object? value, string where, string key) =>
        PlainValues.Flag(value, text => new InvalidSyncMappingException(where, $"{key} '{text}' is not true or false"));

    private static int? Number(object? value, string where, string key) =>
        value is null ? null
        : int.TryParse(SyncPlanReader.Text(value), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number
        : throw new InvalidSyncMappingException(where, $"{key} '{value}' is not a whole number");

    private static DateTimeOffset? Date(object? value, string where, string key) => value switch
    {
        null => null,
        DateTimeOffset offset => offset,
        DateTime date => new DateTimeOffset(date),
        _ => DateTimeOffset.TryParse(SyncPlanReader.Text(value), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
            : throw new InvalidSyncMappingException(where, $"{key} '{value}' is not a date (write it as 2026-01-31 or 2026-01-31T12:00:00Z)"),
    };

    private static T? EnumOf<T>(object? value, string where, string key)
        where T : struct
    {
        var text = SyncPlanReader.Text(value);
        if (text is null)
        {
            return null;
        }

        return Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && !int.TryParse(text, out _) && Enum.IsDefined(typeof(T), parsed)
            ? parsed
            : throw new InvalidSyncMappingException(where, $"{key} '{text}' is not one of {string.Join(", ", Enum.GetNames(typeof(T)))}");
    }
}
