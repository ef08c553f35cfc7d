using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Archives;
using OciImage.Core.Copy;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>Image archives as operations on references: export an image to an OCI or docker-save tar, import an archive's images into any store.</summary>
public static class ArchiveVerb
{
    /// <summary>The RepoTag a docker archive gets when none is given.</summary>
    public static string DefaultRepoTag(Reference reference) => ImageArchives.DefaultRepoTag(reference);

    /// <summary>Writes the image a reference names to a tar file; returns the digest written.</summary>
    public static async Task<Digest> ExportAsync(Reference reference, string path, ArchiveFormat format, Platform? platform, string? repoTag, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        return await ImageArchives.ExportAsync(store, reference, path, format, platform, repoTag, context.Log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the images of an archive (those <paramref name="names"/> match) to the destination's store, each under its own tag.</summary>
    public static async Task<IReadOnlyList<CopyResult>> ImportAsync(string path, Reference destination, NameFilter? names, CopyOptions options, StoreContext context, CancellationToken cancellationToken)
    {
        using var target = ImageStores.OpenForWrite(destination, context);
        return await ImageArchives.ImportAsync(path, target, destination, names, options, context.Log, cancellationToken).ConfigureAwait(false);
    }
}
