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
        using var source = ImageStores.OpenForRead(from, sourceContext);
        using var target = ImageStores.OpenForWrite(to, destinationContext);
        var copier = new ImageCopier(source, target, options, sourceContext.Log, progress);
        return await copier.CopyAsync(from, to, cancellationToken).ConfigureAwait(false);
    }
}
