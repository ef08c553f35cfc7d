using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>Tags and deletions as operations on references, in whatever store they name (archives refuse: OperationNotSupported).</summary>
public static class TagVerb
{
    /// <summary>Points <paramref name="tag"/> at the manifest a reference names, by its exact bytes; returns that manifest.</summary>
    public static async Task<Manifest> TagAsync(Reference reference, string tag, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForUpdate(reference, context);
        var found = await store.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        await store.TagAsync(found, tag, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Removes the tag a reference names and keeps the image.</summary>
    public static async Task UntagAsync(Reference reference, StoreContext context, CancellationToken cancellationToken)
    {
        var tag = reference.Tag ?? throw new InvalidReferenceException(reference.ToString(), "name the tag to remove (REPOSITORY:TAG)");
        using var store = ImageStores.OpenForUpdate(reference, context);
        await store.DeleteTagAsync(tag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes the tag only while it names <paramref name="expected"/> (what a plan saw); TagMovedException with
    /// nothing changed otherwise. Stores that can check and remove in one step do (<see cref="IConditionalUntag"/>).
    /// </summary>
    public static async Task UntagIfAsync(Reference reference, Digest expected, StoreContext context, CancellationToken cancellationToken)
    {
        var tag = reference.Tag ?? throw new InvalidReferenceException(reference.ToString(), "name the tag to remove (REPOSITORY:TAG)");
        using var store = ImageStores.OpenForUpdate(reference, context);
        if (store is IConditionalUntag conditional)
        {
            await conditional.DeleteTagIfAsync(tag, expected, cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = (await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false)).Digest;
        if (now != expected)
        {
            throw new TagMovedException(reference.ToString(), expected, now) { Target = tag };
        }

        await store.DeleteTagAsync(tag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The digest a reference pins, asking the store when it names a tag.</summary>
    public static async Task<Digest> PinAsync(Reference reference, StoreContext context, CancellationToken cancellationToken)
    {
        if (reference.Digest is { } digest)
        {
            return digest;
        }

        using var store = ImageStores.OpenForRead(reference, context);
        return (await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false)).Digest;
    }

    /// <summary>Deletes a manifest by digest, with every tag that names it.</summary>
    public static async Task DeleteAsync(Reference repository, Digest digest, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForUpdate(repository, context);
        await store.DeleteManifestAsync(digest, cancellationToken).ConfigureAwait(false);
    }
}
