using System;

namespace OciImage.Core.Selection;

/// <summary>
/// The fields of <see cref="TagDetails"/> to fetch; each costs requests on a registry (a layout or archive reads
/// local files), so only what is asked is fetched. The tag and, from a layout or archive, its digest and media
/// type are free.
/// </summary>
[Flags]
public enum TagDetailFields
{
    None = 0,

    /// <summary>Digest and media type: one HEAD of the manifest (not counted against Docker Hub's pull quota).</summary>
    Digest = 1,

    /// <summary>
    /// Media type, platforms and compressed sizes: a GET of the manifest, then for an index a GET of each child
    /// manifest; for a single image a GET of its config (its platform is there). Gives the digest too.
    /// </summary>
    Manifest = 2,

    /// <summary>
    /// The created date: the manifest (and for an index its first runnable image's manifest) and that image's
    /// config; with <see cref="Manifest"/> asked too only the index case adds one config GET.
    /// </summary>
    Created = 4,

    /// <summary>The referrer count: the digest, then one request to the referrers API (two on a registry without it: the sha256-HEX fallback tag).</summary>
    Referrers = 8,

    All = Digest | Manifest | Created | Referrers,
}
