using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transfer;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Reading what a reference names, in whatever store its transport opens: the manifest or index, the digest,
/// the image's config and layers, its referrers, the tags beside it, one blob saved to a file; and the digest
/// of a file on disk.
/// </summary>
public static class ReadVerb
{
    /// <summary>The manifest or index a reference names; with a platform, that platform's image of an index.</summary>
    public static async Task<ResolvedImage> ManifestAsync(Reference reference, Platform? platform, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        return await ImageReader.ResolveAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The descriptor a reference resolves to, reading no more than its manifest.</summary>
    public static async Task<Descriptor> DigestAsync(Reference reference, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        return await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One image's manifest and config (its store is closed on return: read no blobs through the handle).</summary>
    public static async Task<ImageHandle> ImageAsync(Reference reference, Platform? platform, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        return await ImageHandle.OpenAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An image's layers, in manifest order, each with its DiffID and history line.</summary>
    public static async Task<IReadOnlyList<ImageLayer>> LayersAsync(Reference reference, Platform? platform, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        var image = await ImageHandle.OpenAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
        var local = store as ILocalBlobs;
        var layers = image.Manifest.Layers;
        var diffIds = image.Config.RootFs.DiffIds;
        var history = image.Config.LayerHistory();
        var result = new List<ImageLayer>(layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            result.Add(new ImageLayer
            {
                Image = image.Reference,
                Index = i,
                Layer = layers[i],
                DiffId = i < diffIds.Count ? diffIds[i] : null,
                History = i < history.Count ? history[i] : null,
                BlobPath = local?.BlobPath(layers[i].Digest),
            });
        }

        return result;
    }

    /// <summary>The artifacts that refer to the image a reference names (its tag resolved first), of one artifact type when given.</summary>
    public static async IAsyncEnumerable<Descriptor> ReferrersAsync(Reference reference, string? artifactType, StoreContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        var subject = reference.Digest ?? (await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false)).Digest;
        foreach (var referrer in await Referrers.ListAsync(store, subject, cancellationToken).ConfigureAwait(false))
        {
            if (artifactType is null || referrer.ArtifactType == artifactType)
            {
                yield return referrer;
            }
        }
    }

    /// <summary>The tags of a repository, layout or archive as they come (a registry's page by page), with what each names where that is free.</summary>
    public static async IAsyncEnumerable<TaggedManifest> TagsAsync(Reference repository, StoreContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(repository, context);
        await foreach (var tagged in TagListing.ListAsync(store, cancellationToken).ConfigureAwait(false))
        {
            yield return tagged;
        }
    }

    /// <summary>Saves one blob to a file, verified and resumable; a size of 0 or less is asked of the store.</summary>
    public static async Task SaveBlobAsync(Reference repository, Digest digest, long knownSize, string path, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(repository, context);
        var size = knownSize > 0 ? knownSize : await store.StatBlobAsync(digest, cancellationToken).ConfigureAwait(false)
            ?? throw new BlobUnknownException(repository.ToString(), digest);
        var descriptor = new Descriptor { MediaType = "application/octet-stream", Digest = digest, Size = size };
        await BlobDownloader.SaveAsync(store, descriptor, path, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The digest and size of a file; a folder is PathIsDirectory, a missing file FileNotFound.</summary>
    public static (Digest Digest, long Size) FileDigest(string file, string algorithm)
    {
        if (Directory.Exists(file))
        {
            throw new PathIsDirectoryException(file);
        }

        if (!File.Exists(file))
        {
            throw new FileNotFoundOciException(file);
        }

        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Digest.Compute(stream, algorithm);
    }
}
