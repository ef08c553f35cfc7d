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

/// <summary>Lists tags with what each names when that is free: a layout's index.json has it, a registry does not.</summary>
public static class TagListing
{
    public static async IAsyncEnumerable<TaggedManifest> ListAsync(IImageStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (store is OciLayoutStore layout)
        {
            foreach (var entry in layout.ReadIndex().Manifests.Where(e => e.RefName is not null).GroupBy(e => e.RefName!))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new TaggedManifest(entry.Key, entry.First());
            }

            yield break;
        }

        await foreach (var tag in store.ListTagsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new TaggedManifest(tag, null);
        }
    }
}
