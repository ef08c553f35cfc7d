using System.Collections.Generic;
using System.Linq;
using OciImage.Core;
using OciImage.Core.Errors;

namespace OciImage;

/// <summary>
/// Where an image change goes: the tag it writes (-Tag, else the reference's own, which then moves), in the
/// reference's repository or layout, and the platforms of an index it rewrites (-Platform; null means every image).
/// </summary>
internal sealed class ImageChangeTarget
{
    private ImageChangeTarget(Reference source, string tag, IReadOnlyList<Platform>? platforms)
    {
        Source = source;
        Tag = tag;
        Platforms = platforms;
    }

    public Reference Source { get; }

    public string Tag { get; }

    public IReadOnlyList<Platform>? Platforms { get; }

    /// <summary>The tag the result is written under, in the source's repository or layout.</summary>
    public Reference Destination => Source.WithoutIdentifier().WithTag(Tag);

    public static ImageChangeTarget For(Reference source, string sourceText, string? tag, string[]? platforms) => new(
        source,
        tag ?? source.Tag ?? throw new InvalidReferenceException(sourceText, "name the tag to update (REPOSITORY:TAG), or give -Tag"),
        platforms?.Select(Platform.Parse).ToList());
}
