using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Copy;
using OciImage.Core.Errors;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Copy as an operation on references (crane's copy): what to copy (one image, or every tag), where each goes,
/// and the copy itself between whatever stores the references' transports name.
/// </summary>
public static class CopyVerb
{
    /// <summary>The source alone, or with <paramref name="allTags"/> every tag of its repository, layout or archive.</summary>
    public static async Task<IReadOnlyList<Reference>> SourcesAsync(Reference source, bool allTags, StoreContext context, CancellationToken cancellationToken)
    {
        if (!allTags)
        {
            return new[] { source };
        }

        var repository = source.WithoutIdentifier();
        using var store = ImageStores.OpenForRead(repository, context);
        var tags = new List<Reference>();
        await foreach (var tag in store.ListTagsAsync(cancellationToken).ConfigureAwait(false))
        {
            tags.Add(repository.WithTag(tag));
        }

        return tags;
    }

    /// <summary>
    /// Where one source goes: the destination's own tag when it names one, else the source's (a whole-reference
    /// name in a layout gives a registry its tag, docker.io/library/app:1.0 gives 1.0).
    /// </summary>
    public static Reference DestinationFor(Reference source, Reference destination)
    {
        if (destination.Tag is not null || destination.Digest is not null)
        {
            return destination.WithDigest(null);
        }

        if (source.Tag is null)
        {
            return destination.IsLocal ? destination : throw new InvalidReferenceException(destination.ToString(), "the source has no tag to keep; give the destination a :TAG");
        }

        if (destination.IsLocal)
        {
            return destination.WithTag(source.Tag);
        }

        return destination.WithTag(Reference.TagOfLayoutName(source.Tag)
            ?? throw new InvalidReferenceException(destination.ToString(), $"the source's name '{source.Tag}' holds no tag to keep; give the destination a :TAG"));
    }

    /// <summary>Copies one image or index between the stores the references name; the destination is committed last.</summary>
    public static async Task<CopyResult> CopyAsync(Reference from, Reference to, CopyOptions options, StoreContext sourceContext, StoreContext destinationContext, IProgress<CopyProgress>? progress, CancellationToken cancellationToken)
    {
        if (options.Compression is not null)
        {
            return await RecompressAsync(from, to, options, sourceContext, destinationContext, cancellationToken).ConfigureAwait(false);
        }

        using var source = ImageStores.OpenForRead(from, sourceContext);
        using var target = ImageStores.OpenForWrite(to, destinationContext);
        var copier = new ImageCopier(source, target, options, sourceContext.Log, progress);
        return await copier.CopyAsync(from, to, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A copy that re-encodes layers (skopeo's --dest-compress-format): the layer rewriter with only a compression,
    /// so each tar's bytes, and its DiffID, stay; the manifests change, and so the digest, which is said.
    /// </summary>
    private static async Task<CopyResult> RecompressAsync(Reference from, Reference to, CopyOptions options, StoreContext sourceContext, StoreContext destinationContext, CancellationToken cancellationToken)
    {
        if (options.Platforms is { Count: > 0 } || options.Single || options.IncludeReferrers)
        {
            throw new OperationNotSupportedException("Copy-OciImage -Compression", "it does not combine with -Platform, -Single or -IncludeReferrers; copy those first, then recompress the copy");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await EditVerb.EditAsync(from, to, new Rewrite.RewriteOptions { Compression = options.Compression, CompressionLevel = options.CompressionLevel, RecordSourceDigest = options.RecordSourceDigest }, sourceContext, destinationContext, cancellationToken).ConfigureAwait(false);
        if (result.Digest != result.SourceDigest)
        {
            if (options.RequireSameDigest)
            {
                throw new DigestWouldChangeException(from.ToString(), result.SourceDigest, result.Digest);
            }

            var rewritten = 0;
            foreach (var image in result.Images)
            {
                rewritten += image.LayersRewritten;
            }

            sourceContext.Log.Warning($"The destination digest differs from the source's: {result.Digest} instead of {result.SourceDigest}, because {rewritten} layer{(rewritten == 1 ? " was" : "s were")} recompressed to {Layers.Compressions.Name(options.Compression!.Value)} (their DiffIDs are kept).");
        }

        var platforms = new List<string>();
        foreach (var image in result.Images)
        {
            platforms.Add(image.Platform);
        }

        return new CopyResult
        {
            Source = result.Source,
            Destination = result.Destination,
            Digest = result.Digest,
            SourceDigest = result.SourceDigest,
            Platforms = platforms,
            ManifestsCopied = result.Images.Count,
            Duration = clock.Elapsed,
        };
    }
}
