using System.Collections.Generic;
using System.Linq;
using OciImage.Core.Model;

namespace OciImage.Core.Images;

/// <summary>
/// Which entries of an index serve a requested platform: the ones of the best compatibility rank present
/// (linux/arm/v7 takes arm/v7 entries, else arm/v6, else arm/v5), in index order.
/// </summary>
internal static class PlatformChoice
{
    public static IReadOnlyList<Descriptor> Best(Platform wanted, IEnumerable<Descriptor> entries)
    {
        var ranked = entries
            .Select(e => (Entry: e, Rank: e.Platform is null ? null : wanted.CompatibilityRank(e.Platform)))
            .Where(r => r.Rank is not null)
            .ToList();
        if (ranked.Count == 0)
        {
            return new List<Descriptor>();
        }

        var best = ranked.Min(r => r.Rank!.Value);
        return ranked.Where(r => r.Rank == best).Select(r => r.Entry).ToList();
    }
}
