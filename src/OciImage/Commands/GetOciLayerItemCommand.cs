using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Analysis;
using OciImage.Core.Errors;
using OciImage.Core.Images;
using OciImage.Core.Layers;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Lists the files, directories, links and whiteouts inside a layer, without extracting it.</summary>
[Cmdlet(VerbsCommon.Get, "OciLayerItem", DefaultParameterSetName = ReferenceSet)]
[OutputType(typeof(OciLayerItem))]
public sealed class GetOciLayerItemCommand : OciRegistryCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string FileSet = "LiteralPath";
    private const string MergedSet = "Merged";

    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = MergedSet)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>Which layer, by position from 0 (the base); negative counts from the top (-1 is the last).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
    [Alias("Index")]
    public int? Layer { get; set; }

    /// <summary>Which layer, by its digest.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
    public string? Digest { get; set; }

    /// <summary>The platform to read when the reference names a multi-platform index.</summary>
    [Parameter(ParameterSetName = ReferenceSet)]
    [Parameter(ParameterSetName = MergedSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>
    /// Lists the merged file system (every layer applied, OCI whiteouts and opaque directories honoured) instead of
    /// one layer's entries: each path once, with the layer that last wrote it and the layers whose copies it shadows.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = MergedSet)]
    public SwitchParameter Merged { get; set; }

    /// <summary>A layer file on disk (tar, tar.gz or tar.zst) instead of an image.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [Alias("BlobPath")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == FileSet)
        {
            ForEachInput(LiteralPath, () =>
            {
                var file = ResolvePath(LiteralPath);
                if (!File.Exists(file))
                {
                    throw new FileNotFoundOciException(file);
                }

                RunCore((messages, ct) =>
                {
                    using var reader = new LayerReader(File.OpenRead(file), file);
                    foreach (var item in reader.Items(ct))
                    {
                        messages.Emit(new OciLayerItem(item, 0, null));
                    }

                    return System.Threading.Tasks.Task.CompletedTask;
                });
            });
            return;
        }

        if (ParameterSetName == MergedSet)
        {
            ForEachInput(Reference, () =>
            {
                var reference = ResolveReference(Reference);
                var platform = ParsePlatform(Platform);
                var analysis = RunCore((messages, ct) => AnalyseVerb.MeasureAsync(reference, platform, StoreContext(messages), ct));
                var digests = analysis.Manifest.Layers.Select(l => l.Digest.ToString()).ToArray();
                foreach (var entry in analysis.FileSystem.Entries())
                {
                    WriteObject(new OciLayerItem(entry, digests[entry.LayerIndex]));
                }
            });
            return;
        }

        ForEachInput(Reference, () =>
        {
            var reference = ResolveReference(Reference);
            var platform = ParsePlatform(Platform);
            RunCore(async (messages, ct) =>
            {
                using var store = ImageStores.OpenForRead(reference, StoreContext(messages));
                var image = await ImageReader.ResolveImageAsync(store, reference, platform, ct).ConfigureAwait(false);
                var layers = image.Image!.Layers;
                var selected = LayerSelection.Select(image.Image, reference, Layer, Digest is null ? null : Core.Digest.Parse(Digest));
                foreach (var i in selected)
                {
                    var blob = await store.OpenBlobAsync(layers[i], ct).ConfigureAwait(false);
                    using var reader = new LayerReader(blob, $"layer {layers[i].Digest}");
                    var items = new List<OciLayerItem>();
                    foreach (var item in reader.Items(ct))
                    {
                        items.Add(new OciLayerItem(item, i, layers[i].Digest));
                    }

                    // The digest is checked when the blob's last byte is read, and the tar's end comes before it
                    // (padding, the rest of a compressed stream): read it all before showing an item of it.
                    await blob.CopyToAsync(Stream.Null, 81920, ct).ConfigureAwait(false);
                    foreach (var item in items)
                    {
                        messages.Emit(item);
                    }
                }
            });
        });
    }
}
