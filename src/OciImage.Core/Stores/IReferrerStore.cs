using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>
/// A store that knows what refers to a manifest (OCI 1.1 subject): a registry through the referrers API or its
/// sha256-HEX fallback index, a layout by the manifests index.json lists. Code that lists or records referrers
/// asks for this capability, never for a kind of store.
/// </summary>
internal interface IReferrerStore
{
    Task<IReadOnlyList<Descriptor>> ListReferrersAsync(Digest subject, CancellationToken cancellationToken);

    /// <summary>After a manifest with a subject was put: makes it findable (the fallback index, an index.json entry).</summary>
    Task RecordReferrerAsync(Manifest referrer, CancellationToken cancellationToken);
}
