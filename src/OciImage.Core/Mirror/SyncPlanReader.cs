using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Mirror;

/// <summary>
/// Reads saved plan items back: from objects by property name (what Import-Clixml or ConvertFrom-Json give) or
/// from a JSON file (an array of items, or an object whose "items" holds them). The pins and the action are
/// checked; the cost estimates are informative and not required. Anything else is an InvalidSyncPlan naming the
/// item and the property.
/// </summary>
public static class SyncPlanReader
{
    /// <summary>The most a plan file may hold: 64 MiB is some 100,000 items.</summary>
    public const long MaxFileBytes = 64L * 1024 * 1024;

    /// <param name="property">The value of a property by name (case-insensitive), or null when absent.</param>
    public static SyncPlanItem FromProperties(Func<string, object?> property, string where)
    {
        var version = Integer(property("FormatVersion"), where, "FormatVersion") ?? throw new InvalidSyncPlanException(where, "it has no FormatVersion (is it a plan item from Sync-OciRepository -Plan?)");
        if (version != SyncPlanItem.CurrentFormatVersion)
        {
            throw new InvalidSyncPlanException(where, $"FormatVersion {version} is not {SyncPlanItem.CurrentFormatVersion}, the one this module reads");
        }

        var actionText = Text(property("Action")) ?? throw new InvalidSyncPlanException(where, "it has no Action");
        if (!Enum.TryParse<SyncAction>(actionText, ignoreCase: true, out var action) || !Enum.IsDefined(typeof(SyncAction), action) || int.TryParse(actionText, out _))
        {
            throw new InvalidSyncPlanException(where, $"Action '{actionText}' is not Copy, Update, UpToDate or Prune");
        }

        var destination = ReferenceOf(property("Destination"), where, "Destination") ?? throw new InvalidSyncPlanException(where, "it has no Destination");
        if (destination.Tag is null)
        {
            throw new InvalidSyncPlanException(where, $"Destination '{destination}' names no tag");
        }

        var source = ReferenceOf(property("Source"), where, "Source");
        var sourceDigest = DigestOf(property("SourceDigest"), where, "SourceDigest");
        if (action != SyncAction.Prune && (source is null || sourceDigest is null))
        {
            throw new InvalidSyncPlanException(where, $"a {action} item needs its Source and the SourceDigest it pins");
        }

        var destinationDigest = DigestOf(property("DestinationDigest"), where, "DestinationDigest");
        if (action is SyncAction.Update or SyncAction.UpToDate or SyncAction.Prune && destinationDigest is null)
        {
            throw new InvalidSyncPlanException(where, $"a {action} item needs the DestinationDigest it pins");
        }

        var platforms = Strings(property("Platforms"), where, "Platforms");
        foreach (var platform in platforms)
        {
            try
            {
                Platform.Parse(platform);
            }
            catch (OciException ex)
            {
                throw new InvalidSyncPlanException(where, $"Platforms holds '{platform}': {ex.Message}");
            }
        }

        var compression = Text(property("Compression"));
        var level = Text(property("CompressionLevel"));
        if (compression is not null && !new[] { "gzip", "zstd", "none" }.Contains(compression, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidSyncPlanException(where, $"Compression '{compression}' is not gzip, zstd or none");
        }

        if (level is not null && !Layers.LayerCompressionLevel.Names.Contains(level, StringComparer.OrdinalIgnoreCase))
        {
            throw new InvalidSyncPlanException(where, $"CompressionLevel '{level}' is not one of {string.Join(", ", Layers.LayerCompressionLevel.Names)}");
        }

        return new SyncPlanItem
        {
            FormatVersion = version,
            Compression = compression?.ToLowerInvariant(),
            CompressionLevel = level,
            Action = action,
            Source = source,
            SourceDigest = sourceDigest,
            Destination = destination,
            DestinationDigest = destinationDigest,
            Platforms = platforms,
            Single = Flag(property("Single"), where, "Single"),
            IncludeReferrers = Flag(property("IncludeReferrers"), where, "IncludeReferrers"),
            RequireSameDigest = Flag(property("RequireSameDigest"), where, "RequireSameDigest"),
            Blobs = Integer(property("Blobs"), where, "Blobs") ?? 0,
            BlobsToCopy = Integer(property("BlobsToCopy"), where, "BlobsToCopy") ?? 0,
            BlobsReused = Integer(property("BlobsReused"), where, "BlobsReused") ?? 0,
            BlobsToMount = Integer(property("BlobsToMount"), where, "BlobsToMount") ?? 0,
            Bytes = Long(property("Bytes"), where, "Bytes") ?? 0,
            Requests = Integer(property("Requests"), where, "Requests") ?? 0,
            Reason = Text(property("Reason")),
        };
    }

    /// <summary>Reads a JSON plan file: an array of items, or { "items": [...] }.</summary>
    public static IReadOnlyList<SyncPlanItem> ReadFile(string path) =>
        PlainValues.JsonEntries(path, MaxFileBytes, "items", (where, why) => new InvalidSyncPlanException(where, why))
            .Select(e => FromProperties(name => e.Entry[name], e.Where)).ToList();

    internal static string? Text(object? value) => PlainValues.Text(value);

    private static Reference? ReferenceOf(object? value, string where, string name)
    {
        var text = Text(value);
        if (text is null)
        {
            return null;
        }

        try
        {
            return Reference.Parse(text);
        }
        catch (OciException ex)
        {
            throw new InvalidSyncPlanException(where, $"{name} '{text}' is not a reference: {ex.Message}");
        }
    }

    private static Digest? DigestOf(object? value, string where, string name)
    {
        var text = Text(value);
        if (text is null)
        {
            return null;
        }

        return Digest.TryParse(text, out var digest) ? digest : throw new InvalidSyncPlanException(where, $"{name} '{text}' is not a digest");
    }

    private static int? Integer(object? value, string where, string name) =>
        Long(value, where, name) is { } number ? number is >= int.MinValue and <= int.MaxValue ? (int)number : throw new InvalidSyncPlanException(where, $"{name} {number} is out of range") : null;

    private static long? Long(object? value, string where, string name)
    {
        var text = Text(value);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : throw new InvalidSyncPlanException(where, $"{name} '{text}' is not a whole number");
    }

    private static bool Flag(object? value, string where, string name) =>
        PlainValues.Flag(value, text => new InvalidSyncPlanException(where, $"{name} '{text}' is not true or false"));

    private static IReadOnlyList<string> Strings(object? value, string where, string name)
    {
        switch (value)
        {
            case null:
                return Array.Empty<string>();
            case string text:
                return text.Length == 0 ? Array.Empty<string>() : text.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);
            case IEnumerable items:
                var list = new List<string>();
                foreach (var item in items)
                {
                    list.Add(Text(item) ?? throw new InvalidSyncPlanException(where, $"{name} holds an empty entry"));
                }

                return list;
            default:
                throw new InvalidSyncPlanException(where, $"{name} is not a list of platforms");
        }
    }
}
