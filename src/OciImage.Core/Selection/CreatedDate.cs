using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;

namespace OciImage.Core.Selection;

/// <summary>
/// Looks up the created dates of some tags (a request or more each, so a selection asks only for the tags that
/// reach a date rule). A tag missing from the answer, or answered null, is undated.
/// </summary>
public delegate Task<IReadOnlyDictionary<string, DateTimeOffset?>> CreatedDateLookup(IReadOnlyList<string> tags, CancellationToken cancellationToken);

/// <summary>
/// When an image was created: its config's <c>created</c>, else the manifest's
/// <c>org.opencontainers.image.created</c> annotation. A date before 1970-01-02 UTC is no date: reproducible
/// builds write the epoch (1970-01-01, SOURCE_DATE_EPOCH=0; Nix one second after it) and Go's zero time is
/// 0001-01-01, and none of them says when the image was made. Undated is null, never 1970.
/// </summary>
internal static class CreatedDate
{
    public const string Annotation = "org.opencontainers.image.created";

    /// <summary>Dates before this are placeholders, not creation times.</summary>
    public static readonly DateTimeOffset Earliest = new(1970, 1, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Null for a placeholder date (the epoch, the zero time) or none.</summary>
    public static DateTimeOffset? Normalise(DateTimeOffset? date) => date is { } value && value >= Earliest ? value : null;

    /// <summary>The rule: the config's date, else the annotation's (RFC 3339; one that does not parse is none).</summary>
    public static DateTimeOffset? Of(ImageConfig? config, IReadOnlyDictionary<string, string>? annotations)
    {
        if (Normalise(config?.Created) is { } created)
        {
            return created;
        }

        return annotations is not null && annotations.TryGetValue(Annotation, out var text) ? Normalise(ParseOrNull(text)) : null;
    }

    /// <summary>
    /// The created text that was there but did not parse (the config's, else the annotation's), or null: such a
    /// tag is undated like one without a date, and the caller warns once so a typo is not silently "undated".
    /// </summary>
    public static string? Unparsed(ImageConfig? config, IReadOnlyDictionary<string, string>? annotations)
    {
        if (config is not null && config.Created is null && RawCreated(config) is { } raw && ParseOrNull(raw) is null)
        {
            return raw;
        }

        return config?.Created is null && annotations is not null && annotations.TryGetValue(Annotation, out var text) && ParseOrNull(text) is null ? text : null;
    }

    /// <summary>The config's "created" as written, when it is a string (the model drops one that does not parse).</summary>
    private static string? RawCreated(ImageConfig config)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(config.GetRawBytes());
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("created", out var created) && created.ValueKind == System.Text.Json.JsonValueKind.String
                ? created.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>An RFC 3339 time, or null when the text is not one.</summary>
    public static DateTimeOffset? ParseOrNull(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
}
