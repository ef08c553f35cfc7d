using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Rewrite;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Changing an image without rebuilding it (regctl image mod, crane mutate): files stripped from every layer,
/// layers removed, times set, layers recompressed; on an index, every image in it. A reference in, a new image
/// written where the destination says (another store, or the same with a new tag).
/// </summary>
public static class EditVerb
{
    public static async Task<RewriteResult> EditAsync(Reference from, Reference to, RewriteOptions options, StoreContext sourceContext, StoreContext destinationContext, CancellationToken cancellationToken)
    {
        if (SameStore(from, to))
        {
            using var store = ImageStores.OpenForUpdate(from, destinationContext);
            return await new ImageRewriter(store, store, options, sourceContext.Log).RewriteAsync(from, to, cancellationToken).ConfigureAwait(false);
        }

        using var source = ImageStores.OpenForRead(from, sourceContext);
        using var target = ImageStores.OpenForWrite(to, destinationContext);
        return await new ImageRewriter(source, target, options, sourceContext.Log).RewriteAsync(from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when both references name one repository or layout: one store opened for update, not two over it.</summary>
    private static bool SameStore(Reference from, Reference to) =>
        from.WithoutIdentifier().ToString() == to.WithoutIdentifier().ToString();
}
