using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// What refers to a manifest (OCI 1.1 subject), for any store: those that can say (<see cref="IReferrerStore"/>)
/// are asked; a store without the capability has none to list and nothing to record.
/// </summary>
public static class Referrers
{
    /// <summary>
    /// At most this many referrers of one subject are taken. A listing is the registry's word (or a fallback tag's,
    /// which anyone who can push writes): 20,000 descriptors fit under the 4 MiB manifest limit, and a copy, a
    /// mirror or an inventory would ask a request or more for each. Refused whole, not cut: which N a cut keeps is
    /// the registry's order, a copy would be silently partial (a signature left behind) and a mirror never settle.
    /// </summary>
    public const int MaxCount = 10_000;

    /// <summary>The referrers a store lists for the subject (none where it cannot say); over <see cref="MaxCount"/> is ManifestTooLarge.</summary>
    public static async Task<IReadOnlyList<Descriptor>> ListAsync(IImageStore store, Digest subject, CancellationToken cancellationToken)
    {
        if (store is not IReferrerStore referrers)
        {
            return Array.Empty<Descriptor>();
        }

        var listed = await referrers.ListReferrersAsync(subject, cancellationToken).ConfigureAwait(false);
        if (listed.Count > MaxCount)
        {
            throw ManifestTooLargeException.TooManyReferrers($"the referrers of {store.Location.WithoutIdentifier()}@{subject} ({listed.Count} listed)", MaxCount, "none was read");
        }

        return listed;
    }

    /// <summary>Whether <paramref name="manifest"/> really is a referrer of <paramref name="subject"/> (its subject field names it), whatever listed it.</summary>
    public static bool Refers(Manifest manifest, Digest subject) => manifest.Subject?.Digest == subject;

    /// <summary>After putting a manifest with a subject: makes it findable as a referrer where the store can.</summary>
    public static Task RecordAsync(IImageStore store, Manifest manifest, CancellationToken cancellationToken) =>
        store is IReferrerStore referrers && manifest.Subject is not null
            ? referrers.RecordReferrerAsync(manifest, cancellationToken)
            : Task.CompletedTask;
}
