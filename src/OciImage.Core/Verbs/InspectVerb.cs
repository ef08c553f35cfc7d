using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// One summary of an image (skopeo inspect): its digest, platforms, config and the repository's tags. An index
/// without a platform asked for gives the image for this machine's platform, as skopeo does, or its only image.
/// </summary>
public static class InspectVerb
{
    public const int MaximumTags = 1000;

    public static async Task<ImageSummary> InspectAsync(Reference reference, Platform? platform, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        var top = await ImageReader.ResolveAsync(store, reference, null, cancellationToken).ConfigureAwait(false);
        var platforms = top.Manifest is ImageIndex index ? index.Platforms() : null;
        var chosen = platform ?? (top.Manifest is ImageIndex withImages ? ThisMachine(withImages) : null);
        var image = await ImageHandle.OpenAsync(store, top.Reference, chosen, cancellationToken).ConfigureAwait(false);
        return new ImageSummary
        {
            Reference = top.Reference,
            Digest = top.Descriptor.Digest,
            Image = image.Manifest.ToDescriptor(),
            Manifest = image.Manifest,
            Config = image.Config,
            Platforms = platforms ?? new List<string> { image.Config.Platform.ToString() },
            RepositoryTags = await TagsAsync(store, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>This machine's platform when the index has an image for it; else none (its only image is taken, or PlatformNotFound lists them).</summary>
    private static Platform? ThisMachine(ImageIndex index)
    {
        var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows" : "linux";
        var architecture = RuntimeInformation.OSArchitecture switch
        {
            Architecture.X64 => "amd64",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            Architecture.X86 => "386",
            _ => null,
        };
        if (architecture is null)
        {
            return null;
        }

        var here = new Platform(os, architecture);
        return PlatformChoice.Best(here, index.Manifests.Where(m => MediaTypes.IsManifest(m.MediaType))).Count > 0 ? here : null;
    }

    private static async Task<IReadOnlyList<string>?> TagsAsync(IImageStore store, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        try
        {
            await foreach (var tagged in TagListing.ListAsync(store, cancellationToken).ConfigureAwait(false))
            {
                tags.Add(tagged.Tag);
                if (tags.Count >= MaximumTags)
                {
                    break;
                }
            }
        }
        catch (OciException)
        {
            return null; // a registry may let a user pull but not list: the summary goes on without the tags
        }

        return tags;
    }
}
