namespace OciImage.Core.Registry;

/// <summary>
/// What a request to a registry is, as a <see cref="RequestLedger"/> counts it. The manifest GET is told apart
/// from the HEAD because Docker Hub charges its pull quota for GETs and not for HEADs.
/// </summary>
public enum RequestKind
{
    /// <summary>HEAD /v2/NAME/manifests/REF: a tag or digest looked up (free on Docker Hub).</summary>
    ManifestHead,

    /// <summary>GET /v2/NAME/manifests/REF: counted against Docker Hub's pull quota.</summary>
    ManifestGet,

    /// <summary>HEAD /v2/NAME/blobs/DIGEST: does the registry have it.</summary>
    BlobHead,

    /// <summary>GET /v2/NAME/blobs/DIGEST, and the hop to storage a redirect sends it on.</summary>
    BlobGet,

    /// <summary>PUT, POST or PATCH: uploads, mounts, manifests and tags written.</summary>
    Write,

    /// <summary>DELETE of a tag, manifest or blob.</summary>
    Delete,

    /// <summary>A request to the token realm (a bearer token fetched).</summary>
    Token,

    /// <summary>Anything else: /v2/ pings, tag lists, the catalog, referrers, upload status.</summary>
    Other,
}
