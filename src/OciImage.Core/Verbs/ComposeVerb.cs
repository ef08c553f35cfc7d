using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Images;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// Building images as operations on references: a new image (on a base, with layers, files and a subject, into
/// any store), and a rebuild of an image on itself with more layers or config changes (Add-OciLayer,
/// Set-OciImageConfig); and an index of images already in a store (New-OciIndex).
/// </summary>
public static class ComposeVerb
{
    public static async Task<ImageManifest> NewImageAsync(NewImageRequest request, StoreContext context, CancellationToken cancellationToken)
    {
        using var target = ImageStores.OpenForWrite(request.Destination, context);
        var layers = await ResolveLayersAsync(request.Layers, target, cancellationToken).ConfigureAwait(false);
        foreach (var file in request.Files)
        {
            layers.Add(NewLayer.FromFile(file, request.FileMediaType));
        }

        Descriptor? subject = null;
        if (request.Subject is { } subjectReference)
        {
            using var subjectStore = ImageStores.OpenForRead(subjectReference, context);
            subject = (await subjectStore.GetManifestAsync(subjectReference, cancellationToken).ConfigureAwait(false)).ToDescriptor();
        }

        IImageStore? baseStore = null;
        var compose = request.Compose;
        try
        {
            ImageHandle? baseImage = null;
            var annotations = compose.Annotations;
            if (request.Base is { } baseReference)
            {
                baseStore = ImageStores.OpenForRead(baseReference, context);
                var baseTop = await baseStore.ResolveAsync(baseReference, cancellationToken).ConfigureAwait(false);
                baseImage = await ImageHandle.OpenAsync(baseStore, baseReference.WithDigest(baseTop.Digest), request.Platform, cancellationToken, strictPlatform: false).ConfigureAwait(false);
                if (compose.ArtifactType is null && compose.Style == MediaTypeStyle.Oci)
                {
                    // The image spec's base annotations, unless the caller set them: Test-OciImage -BaseCurrent and Update-OciImageBase read them.
                    annotations = AnnotationEdit.Apply(Base.BaseAnnotations.For(baseReference, baseTop.Digest).ToDictionary(p => p.Key, p => p.Value!), compose.Annotations?.ToDictionary(p => p.Key, p => (string?)p.Value));
                }
            }

            return await ImageComposer.ComposeAsync(new ComposeRequest
            {
                Base = baseImage,
                Layers = layers,
                Changes = compose.Changes,
                Created = compose.Created,
                History = compose.History,
                Annotations = annotations,
                Style = compose.Style,
                ArtifactType = compose.ArtifactType,
                Subject = subject,
            }, target, request.Destination.Tag, context.Log, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            baseStore?.Dispose();
        }
    }

    /// <summary>
    /// Rebuilds the image a reference names on itself, in its store, with more layers, config changes and
    /// annotation edits, and points <paramref name="tag"/> at the result. Given an index, every image in it (or
    /// those of <paramref name="platforms"/>) is rebuilt and a new index tagged; artifacts are left as they are.
    /// </summary>
    public static async Task<ImageChange> RebuildAsync(Reference reference, string tag, IReadOnlyList<Platform>? platforms, IReadOnlyList<LayerSpec> layerSpecs, ComposeRequest changes,
        IReadOnlyDictionary<string, string?>? annotationEdits, StoreContext context, CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForUpdate(reference, context);
        var layers = await ResolveLayersAsync(layerSpecs, store, cancellationToken).ConfigureAwait(false);
        var request = new ComposeRequest { Layers = layers, Changes = changes.Changes, Created = changes.Created, History = changes.History };
        return await EachImage.ApplyAsync(store, reference, platforms, annotationEdits, tag,
            async (image, childTag, ct) => (await ImageComposer.RebuildAsync(image, request, annotationEdits, childTag, context.Log, ct).ConfigureAwait(false), null),
            context.Log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes an index of images already in the destination's store (from a base index, less some platforms) and tags it.</summary>
    public static async Task<ImageIndex> NewIndexAsync(NewIndexRequest request, StoreContext context, CancellationToken cancellationToken)
    {
        using var target = ImageStores.OpenForWrite(request.Destination, context);
        ImageIndex? start = null;
        if (request.Base is { } baseReference)
        {
            start = await target.GetManifestAsync(baseReference, cancellationToken).ConfigureAwait(false) as ImageIndex
                ?? throw new Errors.UnsupportedMediaTypeException(baseReference.ToString(), "an image manifest (-Base must be an index)");
        }

        var built = await IndexComposer.ComposeAsync(target, request.Manifests, start, request.RemovePlatforms, request.Annotations, request.Docker, cancellationToken).ConfigureAwait(false);
        await target.PutManifestAsync(built, request.Destination.Tag, cancellationToken).ConfigureAwait(false);
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
        return built;
    }

    private static async Task<List<NewLayer>> ResolveLayersAsync(IReadOnlyList<LayerSpec> specs, IImageStore target, CancellationToken cancellationToken)
    {
        var layers = new List<NewLayer>();
        foreach (var spec in specs)
        {
            layers.Add(await spec.ResolveAsync(target, cancellationToken).ConfigureAwait(false));
        }

        return layers;
    }
}
