using System.Collections.Generic;

namespace OciImage.Core.Stores;

/// <summary>
/// A store that can take a complete tag listing made moments ago as what the repository holds, so that a tag
/// missing from it (a referrers fallback tag, sha256-HEX) is known absent without a request. A registry without the
/// referrers API otherwise costs one question an image when an inventory counts referrers.
/// </summary>
internal interface ITagSnapshot
{
    /// <summary>Every tag of the repository, as a listing that read all its pages gave them.</summary>
    void RememberListing(IEnumerable<string> tags);

    /// <summary>
    /// The tags of this store's last listing if it was complete (every page read, no tag pushed through the store
    /// since), else null: a listing that stopped early must not be handed to <see cref="RememberListing"/>.
    /// </summary>
    IReadOnlyCollection<string>? CompleteListing { get; }
}
