using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Selection;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>One tag of a listing: what it names where that is free, and the details asked for.</summary>
public sealed class ListedTag
{
    public ListedTag(string tag, Descriptor? manifest, TagDetails? details)
    {
        Tag = tag;
        Digest = manifest?.Digest ?? details?.Digest;
        MediaType = manifest?.MediaType ?? details?.MediaType;
        Details = details;
    }

    public string Tag { get; }

    /// <summary>The manifest's digest where the listing gives it (layouts, archives) or the details fetched it.</summary>
    public Digest? Digest { get; }

    public string? MediaType { get; }

    public TagDetails? Details { get; }
}

/// <summary>
/// Lists the tags of a repository, layout or archive: as they come (a registry's page by page) when nothing else
/// is asked; through a <see cref="TagSelection"/> (which needs every tag first, and the created dates only when a
/// date rule asks); with the <see cref="TagDetailFields"/> asked, fetched in parallel.
/// </summary>
public static class TagListVerb
{
    /// <param name="listingComplete">Told, once the tags were listed, whether that listing was every tag (a registry's pager can stop early with a warning).</param>
    public static async IAsyncEnumerable<ListedTag> ListAsync(Reference repository, TagSelection? selection, TagDetailFields details, StoreContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken, Action<bool>? listingComplete = null)
    {
        repository = repository.WithoutIdentifier();
        selection?.Validate();
        if (selection is null && details == TagDetailFields.None && listingComplete is null)
        {
            await foreach (var tagged in ReadVerb.TagsAsync(repository, context, cancellationToken).ConfigureAwait(false))
            {
                yield return new ListedTag(tagged.Tag, tagged.Manifest, null);
            }

            yield break;
        }

        // Handed on as every tag only when the store says its listing was complete (a registry's pager can stop
        // early, with a warning): a referrers fallback tag not in it is then taken as absent.
        var listed = new Dictionary<string, Descriptor?>(StringComparer.Ordinal);
        IEnumerable<string>? complete;
        using (var store = ImageStores.OpenForRead(repository, context))
        {
            await foreach (var tagged in TagListing.ListAsync(store, cancellationToken).ConfigureAwait(false))
            {
                listed[tagged.Tag] = tagged.Manifest;
            }

            complete = store is ITagSnapshot snapshot ? snapshot.CompleteListing : listed.Keys;
        }

        listingComplete?.Invoke(complete is not null);

        IReadOnlyList<string> chosen = listed.Keys.ToList();
        if (selection is not null)
        {
            var dates = selection.UsesDates ? TagDetailsVerb.CreatedDates(repository, context) : null;
            chosen = (await selection.ApplyAsync(chosen, dates, SelectionUse.Filter, cancellationToken).ConfigureAwait(false)).SelectedTags;
        }

        if (details == TagDetailFields.None)
        {
            foreach (var tag in chosen)
            {
                yield return new ListedTag(tag, listed[tag], null);
            }

            yield break;
        }

        foreach (var described in await TagDetailsVerb.GetAsync(repository, chosen, details, context, cancellationToken, listedTags: complete).ConfigureAwait(false))
        {
            yield return new ListedTag(described.Tag, listed[described.Tag], described);
        }
    }
}
