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
}
