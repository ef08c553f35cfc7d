using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Stores;

namespace OciImage.Core.Mirror;

/// <summary>
/// A destination registry repository's tags, listed once a plan, after its first tag is found missing. A missing
/// tag's HEAD is a 404 that the store follows with a listing (to say which tags are there), so without this a
/// mirror of N new tags costs 2N requests at the destination; with it, a tag the listing does not name costs none.
/// A tag the listing names is still checked by its HEAD (the digest decides, never the listing), so an unchanged
/// tag keeps costing one HEAD here. A registry that refuses the listing is checked tag by tag, as before.
/// </summary>
internal sealed class DestinationTags
{
    private readonly IImageStore _store;
    private readonly object _gate = new();
    private Task<HashSet<string>?>? _listing;

    public DestinationTags(IImageStore store) => _store = store;

    /// <summary>Once a tag was missing: true when the listing does not name this one (no HEAD needed).</summary>
    public async Task<bool> KnownMissingAsync(string tag)
    {
        var listing = _listing;
        return listing is not null && await listing.ConfigureAwait(false) is { } tags && !tags.Contains(tag);
    }

    /// <summary>A tag was missing: list the repository's tags (once) for the tags still to check.</summary>
    public void Missing(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _listing ??= ListAsync(cancellationToken);
        }
    }

    private async Task<HashSet<string>?> ListAsync(CancellationToken cancellationToken)
    {
        var tags = new HashSet<string>(System.StringComparer.Ordinal);
        try
        {
            await foreach (var tag in _store.ListTagsAsync(cancellationToken).ConfigureAwait(false))
            {
                tags.Add(tag);
            }
        }
        catch (RepositoryUnknownException)
        {
            // No repository yet: no tags.
        }
        catch (OciException)
        {
            return null;
        }

        return tags;
    }
}
