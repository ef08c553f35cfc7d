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

    /// <summary>An RFC 3339 time, or null when the text is not one.</summary>
    public static DateTimeOffset? ParseOrNull(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value : null;
}
