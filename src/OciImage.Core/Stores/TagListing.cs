using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Model;

namespace OciImage.Core.Stores;

/// <summary>A tag and, where the store knows it without another request (a layout), the manifest it names.</summary>
public sealed class TaggedManifest
{
    public TaggedManifest(string tag, Descriptor? manifest)
    {
        Tag = tag;
        Manifest = manifest;
    }

    public string Tag { get; }

    public Descriptor? Manifest { get; }
}

/// <summary>A store that knows, without a request per tag, what each of its tags names (a layout's index.json).</summary>
internal interface ITagIndex
{
    Task<IReadOnlyList<TaggedManifest>> TaggedManifestsAsync(CancellationToken cancellationToken);
}

/// <summary>Lists tags with what each names when that is free: a store with a tag index says, a registry does not.</summary>
internal static class TagListing
{
    public static async IAsyncEnumerable<TaggedManifest> ListAsync(IImageStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (store is ITagIndex index)
        {
            foreach (var tagged in await index.TaggedManifestsAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return tagged;
            }

            yield break;
        }

        await foreach (var tag in store.ListTagsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new TaggedManifest(tag, null);
        }
    }
}
