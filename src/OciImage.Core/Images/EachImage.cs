using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Errors;
using OciImage.Core.Model;
using OciImage.Core.Stores;

namespace OciImage.Core.Images;

/// <summary>
/// Applies one change to the image a reference names, or to every image of an index (issue 31's rule): each
/// image entry (or those of the platforms asked for) is changed and written as a child, the others are kept as
/// they are with the reason (artifacts such as signatures, attestations with platform unknown/unknown, nested
/// indexes, platforms not asked for), and a new index with the same entries in the same order is tagged last.
/// </summary>
internal static class EachImage
{
    /// <summary>
    /// Changes one image and writes it: under <paramref name="tag"/> when given, else as an index's child
    /// (<see cref="ImageComposer.ComposeAsync"/>'s child mode). Returns the new manifest and a line of detail.
    /// </summary>
    public delegate Task<(ImageManifest Manifest, string? Detail)> Change(ImageHandle image, string? tag, CancellationToken cancellationToken);

    public static async Task<ImageChange> ApplyAsync(IImageStore store, Reference reference, IReadOnlyList<Platform>? platforms,
        IReadOnlyDictionary<string, string?>? indexAnnotations, string tag, Change change, IEngineLog log, CancellationToken cancellationToken)
    {
        var top = await store.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        var destination = reference.WithoutIdentifier().WithTag(tag);
        if (top is not ImageIndex index)
        {
            var image = await ImageHandle.OpenAsync(store, reference, platforms?.Count == 1 ? platforms[0] : null, cancellationToken).ConfigureAwait(false);
            var (written, detail) = await change(image, tag, cancellationToken).ConfigureAwait(false);
            return new ImageChange(destination.WithDigest(written.Digest), written,
                new[] { new ChildChange(image.Config.Platform, image.Manifest.Digest, written.Digest, null, detail) });
        }

        var entries = new List<Descriptor>();
        var children = new List<ChildChange>();
        foreach (var entry in index.Manifests)
        {
            var reason = await LeftAsIsAsync(store, entry, platforms, cancellationToken).ConfigureAwait(false);
            if (reason is not null)
            {
                log.Warning($"{entry.Digest} ({entry.Platform?.ToString() ?? "no platform"}) is left as it is: {reason}.");
                entries.Add(entry);
                children.Add(new ChildChange(entry.Platform, entry.Digest, null, reason));
                continue;
            }

            var image = await ImageHandle.OpenAsync(store, reference.WithoutIdentifier().WithDigest(entry.Digest), null, cancellationToken).ConfigureAwait(false);
            var (written, detail) = await change(image, null, cancellationToken).ConfigureAwait(false);
            entries.Add(new Descriptor { MediaType = written.MediaType, Digest = written.Digest, Size = written.Size, Annotations = entry.Annotations, Platform = entry.Platform, Urls = entry.Urls });
            children.Add(new ChildChange(entry.Platform, entry.Digest, written.Digest, null, detail));
        }

        if (children.All(c => c.LeftAsIs is not null))
        {
            throw new PlatformNotFoundException(reference.ToString(),
                platforms is null
                    ? "the index holds no image to change (only artifacts, attestations or nested indexes)"
                    : $"the index has no image for {string.Join(", ", platforms)} (it has {ImageReader.DescribePlatforms(index)})") { Target = reference };
        }

        var docker = index.MediaType == MediaTypes.DockerManifestList;
        var built = ManifestParser.Create(new ImageIndex
        {
            SchemaVersion = 2,
            DeclaredMediaType = index.DeclaredMediaType,
            ArtifactType = index.ArtifactType,
            Subject = index.Subject,
            Manifests = entries,
            Annotations = docker ? null : AnnotationEdit.Apply(index.Annotations, indexAnnotations),
        });
        await store.PutManifestAsync(built, tag, cancellationToken).ConfigureAwait(false);
        await store.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ImageChange(destination.WithDigest(built.Digest), built, children);
    }

    /// <summary>Why an index entry is not an image to change, or null when it is one.</summary>
    internal static async Task<string?> LeftAsIsAsync(IImageStore store, Descriptor entry, IReadOnlyList<Platform>? platforms, CancellationToken cancellationToken)
    {
        if (MediaTypes.IsIndex(entry.MediaType))
        {
            return "a nested index";
        }

        if (!MediaTypes.IsImageManifest(entry.MediaType))
        {
            return $"not an image manifest ({entry.MediaType})";
        }

        if (entry.Platform?.OS == "unknown")
        {
            return "an attestation (platform unknown/unknown)";
        }

        if (entry.ArtifactType is { } declared)
        {
            return $"an artifact ({declared})";
        }

        if (platforms is not null && (entry.Platform is null || !platforms.Any(p => p.Matches(entry.Platform))))
        {
            return "its platform was not asked for";
        }

        var manifest = await store.GetManifestAsync(entry, cancellationToken).ConfigureAwait(false) as ImageManifest;
        if (manifest is null || manifest.ArtifactType is not null || !MediaTypes.IsImageConfig(manifest.Config.MediaType))
        {
            return $"an artifact ({manifest?.ArtifactType ?? manifest?.Config.MediaType ?? entry.MediaType})";
        }

        return manifest.Subject is not null ? "a referrer of another manifest (it has a subject)" : null;
    }
}
