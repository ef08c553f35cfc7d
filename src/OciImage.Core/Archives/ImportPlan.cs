using System;
using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Errors;

namespace OciImage.Core.Archives;

/// <summary>
/// Which images of an archive go where: every image (or those whose names match), each under the tag its
/// name gives (a RepoTag or an index.json name such as <c>localhost/app:1.0</c> gives 1.0; none gives latest);
/// a destination that names its own tag takes exactly one image. Two images on one tag are refused up front.
/// </summary>
internal static class ImportPlan
{
    public static IReadOnlyList<(ArchivedImage Image, Reference To)> Make(string archive, IReadOnlyList<ArchivedImage> images, NameFilter? names, Reference destination)
    {
        var chosen = names is null ? images.ToList() : images.Where(i => i.Names.Any(n => names.Matches(n) || (Reference.TagOfLayoutName(n) is { } tag && names.Matches(tag)))).ToList();
        if (chosen.Count == 0)
        {
            throw new ManifestUnknownException(archive, $"no image in the archive is named {names} (it holds {Describe(images)})") { Target = archive };
        }

        if (destination.Tag is not null || destination.Digest is not null)
        {
            if (chosen.Count > 1)
            {
                throw new AmbiguousReferenceException(destination.ToString(), $"the archive holds {chosen.Count} images ({Describe(chosen)}) and the destination names one tag; choose one with -Name, or leave the tag out to import each under its own");
            }

            return new[] { (chosen[0], destination.WithDigest(null)) };
        }

        var plan = new List<(ArchivedImage Image, Reference To)>();
        foreach (var image in chosen)
        {
            var tags = image.Names.Count == 0 ? new[] { "latest" } : image.Names.Select(n => Reference.TagOfLayoutName(n) ?? "latest").Distinct();
            plan.AddRange(tags.Select(tag => (image, destination.WithTag(tag))));
        }

        var clash = plan.GroupBy(p => p.To.Tag).FirstOrDefault(g => g.Select(p => p.Image.Manifest.Digest).Distinct().Count() > 1);
        if (clash is not null)
        {
            throw new TagConflictException(destination.ToString(), $"the archive's images {string.Join(" and ", clash.Select(p => p.Image.ToString()).Distinct())} would all be tagged '{clash.Key}'");
        }

        return plan;
    }

    private static string Describe(IReadOnlyList<ArchivedImage> images) =>
        images.Count == 0 ? "no image" : string.Join("; ", images.Select(i => i.ToString()));
}
