using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Layout;

namespace OciImage.Core.Verbs;

/// <summary>Maintenance of an OCI layout: finding and removing the blobs no index.json entry reaches (garbage collection).</summary>
public static class LayoutVerb
{
    /// <summary>The blobs of the layout nothing reaches and older than the grace period, with the counts of those kept.</summary>
    public static async Task<LayoutGarbageReport> FindUnusedAsync(Reference layout, TimeSpan grace, IEngineLog log, CancellationToken cancellationToken)
    {
        using var store = Open(layout, log);
        return await LayoutGarbage.FindAsync((OciLayoutStore)store, grace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the approved blobs that are still unused and older than the grace period (checked again, under the layout lock); returns those removed.</summary>
    public static async Task<IReadOnlyList<UnusedBlob>> RemoveUnusedAsync(Reference layout, IEnumerable<Digest> approved, TimeSpan grace, IEngineLog log, CancellationToken cancellationToken)
    {
        using var store = Open(layout, log);
        return await LayoutGarbage.RemoveAsync((OciLayoutStore)store, approved, grace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The whole layout, which must exist: garbage collection looks at every image in it, so a tag or digest is refused.</summary>
    private static IImageStore Open(Reference layout, IEngineLog log)
    {
        if (!layout.IsLayout || layout.Tag is not null || layout.Digest is not null)
        {
            throw new InvalidReferenceException(layout.ToString(), "give the layout alone: garbage collection looks at every image in it");
        }

        return ImageStores.OpenForUpdate(layout, LocalStores.Context(log));
    }
}
