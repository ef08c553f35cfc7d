using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Registry;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Selection;

/// <summary>
/// Tag details for inventory and retention: per tag the fields asked for (<see cref="TagDetailFields"/> says what
/// each costs), tags fetched in parallel up to a throttle, results in the order of the tags given (or listed).
/// A tag that fails carries its error; the others go on.
/// </summary>
public static class TagDetailsVerb
{
    /// <param name="repository">The repository or layout (a tag or digest on it is ignored).</param>
    /// <param name="tags">The tags to describe; null lists them all (one request a page on a registry).</param>
    /// <param name="listedTags">
    /// Every tag of the repository, from a complete listing the caller made moments ago (the tags to describe may
    /// be a selection of them): a referrers fallback tag not among them is absent, and is not asked for.
    /// </param>
    public static async Task<IReadOnlyList<TagDetails>> GetAsync(Reference repository, IReadOnlyList<string>? tags, TagDetailFields fields,
        StoreContext context, CancellationToken cancellationToken, int throttle = RegistryConcurrency.TagsAtOnce, IEnumerable<string>? listedTags = null)
    {
        if (throttle < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(throttle), "The throttle is 1 or more.");
        }

        repository = repository.WithoutIdentifier();
        using var store = ImageStores.OpenForRead(repository, context);
        if (listedTags is not null && store is ITagSnapshot snapshot)
        {
            snapshot.RememberListing(listedTags);
        }

        // Where the store knows each tag's manifest for free (a layout's index.json), that saves a HEAD a tag.
        var known = new Dictionary<string, Descriptor?>(StringComparer.Ordinal);
        if (tags is null || store is ITagIndex)
        {
            await foreach (var tagged in TagListing.ListAsync(store, cancellationToken).ConfigureAwait(false))
            {
                known[tagged.Tag] = tagged.Manifest;
            }
        }

        var wanted = tags ?? known.Keys.ToList();
        using var gate = new SemaphoreSlim(throttle);
        var work = wanted.Select(async tag =>
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await DescribeAsync(store, repository, tag, known.TryGetValue(tag, out var d) ? d : null, fields, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var described = await Task.WhenAll(work).ConfigureAwait(false);
        WarnOfUnparsedDates(repository, described, context.Log);
        return described;
    }

    /// <summary>One warning for all the tags whose created date is there but does not parse: they are undated ($null).</summary>
    private static void WarnOfUnparsedDates(Reference repository, IReadOnlyList<TagDetails> described, IEngineLog log)
    {
        var unparsed = described.Where(d => d.UnparsedCreated is not null).ToList();
        if (unparsed.Count > 0)
        {
            var first = unparsed[0];
            log.Warning($"{unparsed.Count} tag(s) of {repository} have a created date that does not parse (first: {first.Tag}, '{OciException.Printable(first.UnparsedCreated!.Length > 60 ? first.UnparsedCreated.Substring(0, 60) + "…" : first.UnparsedCreated)}'); they count as undated ($null), so no date rule removes them.");
        }
    }

    /// <summary>A created-date lookup for <see cref="TagSelection.ApplyAsync"/>: the config of each tag asked, in parallel.</summary>
    public static CreatedDateLookup CreatedDates(Reference repository, StoreContext context, int throttle = RegistryConcurrency.TagsAtOnce) =>
        async (tags, cancellationToken) =>
        {
            var details = await GetAsync(repository, tags, TagDetailFields.Created, context, cancellationToken, throttle).ConfigureAwait(false);
            return details.ToDictionary(d => d.Tag, d => d.Created, StringComparer.Ordinal);
        };

    private static async Task<TagDetails> DescribeAsync(IImageStore store, Reference repository, string tag, Descriptor? known, TagDetailFields fields, CancellationToken cancellationToken)
    {
        var details = new TagDetails(repository, tag, fields);
        try
        {
            var reference = repository.WithTag(tag);
            var top = known;
            Manifest? manifest = null;
            if ((fields & (TagDetailFields.Manifest | TagDetailFields.Created)) != 0)
            {
                manifest = top is null
                    ? await store.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false)
                    : await store.GetManifestAsync(top, cancellationToken).ConfigureAwait(false);
                top = manifest.ToDescriptor();
            }
            else if (top is null && (fields & (TagDetailFields.Digest | TagDetailFields.Referrers)) != 0)
            {
                top = await store.ResolveAsync(reference, cancellationToken).ConfigureAwait(false);
            }

            details.Digest = top?.Digest;
            details.MediaType = top?.MediaType;
            ImageConfig? config = null;
            var children = new Dictionary<Digest, Manifest>();
            if ((fields & TagDetailFields.Manifest) != 0)
            {
                config = await MeasureAsync(store, manifest!, details, children, cancellationToken).ConfigureAwait(false);
            }

            if ((fields & TagDetailFields.Created) != 0)
            {
                details.Created = await CreatedAsync(store, manifest!, config, children, details, cancellationToken).ConfigureAwait(false);
            }

            if ((fields & TagDetailFields.Referrers) != 0 && top is not null)
            {
                details.ReferrerCount = store is IReferrerStore
                    ? (await Referrers.ListAsync(store, top.Digest, cancellationToken).ConfigureAwait(false)).Count
                    : null;
            }
        }
        catch (OciException e)
        {
            details.Error = e;
        }

        return details;
    }

    /// <summary>Sizes and platforms; returns a single image's config (read for its platform) so Created need not read it again.</summary>
    private static async Task<ImageConfig?> MeasureAsync(IImageStore store, Manifest manifest, TagDetails details, Dictionary<Digest, Manifest> children, CancellationToken cancellationToken)
    {
        if (manifest is ImageManifest image)
        {
            ImageConfig? config = null;
            var platforms = new List<string>();
            if (MediaTypes.IsImageConfig(image.Config.MediaType))
            {
                config = await ImageReader.GetConfigAsync(store, image, cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrEmpty(config.OS) && !string.IsNullOrEmpty(config.Architecture))
                {
                    platforms.Add(config.Platform.ToString());
                }
            }

            var size = ImageSize(image);
            details.Size = size;
            details.Platforms = platforms;
            details.PlatformSizes = platforms.Select(p => new PlatformSize(p, image.Digest, size)).ToList();
            return config;
        }

        if (manifest is not ImageIndex index)
        {
            return null;
        }

        var counted = new HashSet<Digest> { index.Digest };
        long total = index.Size;
        var sizes = new List<PlatformSize>();
        foreach (var entry in index.Manifests)
        {
            if (!counted.Add(entry.Digest))
            {
                continue;
            }

            if (!MediaTypes.IsImageManifest(entry.MediaType))
            {
                total += entry.Size; // a nested index or an artifact: its own bytes (nested graphs are rare; not walked here)
                continue;
            }

            var read = await store.GetManifestAsync(entry, cancellationToken).ConfigureAwait(false);
            children[entry.Digest] = read;
            total += read.Size;
            if (read is not ImageManifest child)
            {
                continue;
            }

            foreach (var blob in new[] { child.Config }.Concat(child.Layers))
            {
                if (counted.Add(blob.Digest))
                {
                    total += blob.Size;
                }
            }

            if (entry.Platform is { } platform && platform.OS != "unknown")
            {
                sizes.Add(new PlatformSize(platform.ToString(), entry.Digest, ImageSize(child)));
            }
        }

        details.Size = total;
        details.PlatformSizes = sizes;
        details.Platforms = sizes.Select(s => s.Platform).Distinct().ToList();
        return null;
    }

    /// <summary>An image's manifest, config and layers, a layer listed twice counted once.</summary>
    private static long ImageSize(ImageManifest image) =>
        image.Size + image.Config.Size + image.Layers.GroupBy(l => l.Digest).Sum(g => g.First().Size);

    /// <summary>The config's created, else the annotation (the image's, for an index its entry's or its own); an index takes its first runnable image.</summary>
    private static async Task<DateTimeOffset?> CreatedAsync(IImageStore store, Manifest manifest, ImageConfig? config, Dictionary<Digest, Manifest> children, TagDetails details, CancellationToken cancellationToken)
    {
        if (manifest is ImageManifest image)
        {
            if (config is null && MediaTypes.IsImageConfig(image.Config.MediaType))
            {
                config = await ImageReader.GetConfigAsync(store, image, cancellationToken).ConfigureAwait(false);
            }

            details.UnparsedCreated = CreatedDate.Unparsed(config, image.Annotations);
            return CreatedDate.Of(config, image.Annotations);
        }

        if (manifest is not ImageIndex index)
        {
            return null;
        }

        var first = index.Manifests.FirstOrDefault(m => MediaTypes.IsImageManifest(m.MediaType) && m.Platform?.OS != "unknown");
        if (first is null)
        {
            return CreatedDate.Of(null, index.Annotations);
        }

        if ((children.TryGetValue(first.Digest, out var read) ? read : await store.GetManifestAsync(first, cancellationToken).ConfigureAwait(false)) is not ImageManifest child)
        {
            return CreatedDate.Of(null, first.Annotations) ?? CreatedDate.Of(null, index.Annotations);
        }

        var childConfig = MediaTypes.IsImageConfig(child.Config.MediaType)
            ? await ImageReader.GetConfigAsync(store, child, cancellationToken).ConfigureAwait(false)
            : null;
        var created = CreatedDate.Of(childConfig, child.Annotations) ?? CreatedDate.Of(null, first.Annotations) ?? CreatedDate.Of(null, index.Annotations);
        details.UnparsedCreated = created is null ? CreatedDate.Unparsed(childConfig, child.Annotations) : null;
        return created;
    }
}
