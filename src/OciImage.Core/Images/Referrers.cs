using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// What refers to a manifest (OCI 1.1 subject), for any store: those that can say (<see cref="IReferrerStore"/>)
/// are asked; a store without the capability has none to list and nothing to record.
/// </summary>
public static class Referrers
{
    public static Task<IReadOnlyList<Descriptor>> ListAsync(IImageStore store, Digest subject, CancellationToken cancellationToken) =>
        store is IReferrerStore referrers
            ? referrers.ListReferrersAsync(subject, cancellationToken)
            : Task.FromResult<IReadOnlyList<Descriptor>>(Array.Empty<Descriptor>());

    /// <summary>Whether <paramref name="manifest"/> really is a referrer of <paramref name="subject"/> (its subject field names it), whatever listed it.</summary>
    public static bool Refers(Manifest manifest, Digest subject) => manifest.Subject?.Digest == subject;

    /// <summary>After putting a manifest with a subject: makes it findable as a referrer where the store can.</summary>
    public static Task RecordAsync(IImageStore store, Manifest manifest, CancellationToken cancellationToken) =>
        store is IReferrerStore referrers && manifest.Subject is not null
            ? referrers.RecordReferrerAsync(manifest, cancellationToken)
            : Task.CompletedTask;
}
