using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Transports;

namespace OciImage.Core.Verbs;

/// <summary>
/// What is inside layers, without extracting them: the entries of an image's layers (chosen by position or
/// digest), of a layer file on disk, or of the merged file system of every layer.
/// </summary>
public static class LayerItemVerb
{
    /// <summary>
    /// The entries of the chosen layers (every layer when neither position nor digest is given), a layer at a
    /// time, each layer's only after its blob has been read to the end and its digest checked.
    /// </summary>
    public static async IAsyncEnumerable<LayerItemAt> InImageAsync(Reference reference, Platform? platform, int? position, Digest? digest, StoreContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var store = ImageStores.OpenForRead(reference, context);
        var image = await ImageReader.ResolveImageAsync(store, reference, platform, cancellationToken).ConfigureAwait(false);
        var layers = image.Image!.Layers;
        PathMemoryAllowance.ForThisProcess().WarnIfIgnored(context.Log);
        foreach (var i in LayerSelection.Select(image.Image, reference, position, digest))
        {
            var blob = await store.OpenBlobAsync(layers[i], cancellationToken).ConfigureAwait(false);
            var items = new List<LayerItemAt>();
            var what = $"layer {layers[i].Digest}";
            var allowance = PathMemoryAllowance.ForThisProcess();
            using (var reader = new LayerReader(blob, what, cancellationToken))
            {
                foreach (var item in reader.Items(cancellationToken))
                {
                    // Held until the digest is checked: bounded, as an analysis's paths are.
                    allowance.Charge(PathMemoryAllowance.CostOf(item), what);
                    items.Add(new LayerItemAt(item, i, layers[i].Digest));
                }

                // The digest is checked when the blob's last byte is read, and the tar's end comes before it
                // (padding, the rest of a compressed stream): read it all before showing an item of it.
                await blob.CopyToAsync(Stream.Null, 81920, cancellationToken).ConfigureAwait(false);
            }

            foreach (var item in items)
            {
                yield return item;
            }
        }
    }

    /// <summary>The entries of a layer file (tar, tar.gz or tar.zst), as they are read; a missing file is FileNotFound.</summary>
    public static IEnumerable<LayerItemAt> InFile(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundOciException(file);
        }

        return Read(file, cancellationToken);

        static IEnumerable<LayerItemAt> Read(string file, CancellationToken cancellationToken)
        {
            using var reader = new LayerReader(File.OpenRead(file), file, cancellationToken);
            foreach (var item in reader.Items(cancellationToken))
            {
                yield return new LayerItemAt(item, 0, null);
            }
        }
    }

    /// <summary>The merged file system of every layer (whiteouts and opaque directories honoured), from one analysis pass.</summary>
    public static Task<ImageAnalysis> MergedAsync(Reference reference, Platform? platform, StoreContext context, CancellationToken cancellationToken) =>
        AnalyseVerb.MeasureAsync(reference, platform, context, cancellationToken);
}
