using System.Threading;
using System.Threading.Tasks;

namespace OciImage.Core.Stores;

/// <summary>
/// A store that removes a tag only while it still names the digest a plan saw (retention lists, then deletes):
/// a layout checks and removes under its index lock (no window); a registry checks with one request right before
/// the one that moves the tag (a window of one round trip, as the distribution API has no conditional delete).
/// </summary>
internal interface IConditionalUntag
{
    /// <summary>Removes the tag if it names <paramref name="expected"/>; TagMovedException, with nothing changed, if it names another.</summary>
    Task DeleteTagIfAsync(string tag, Digest expected, CancellationToken cancellationToken);
}
