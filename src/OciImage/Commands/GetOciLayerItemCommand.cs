using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
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

    /// <summary>Only items whose path matches one of these wildcards (case-sensitive; the leading '/' may be left out).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Path { get; set; }

    protected override void ProcessRecord()
    {
        var filter = ItemPathFilter.Create(Path, ThrowTerminatingError);
        if (ParameterSetName == FileSet)
        {
            ForEachInput(LiteralPath, () =>
            {
                var file = ResolvePath(LiteralPath);
                RunCore((messages, ct) =>
                {
                    foreach (var entry in LayerItemVerb.InFile(file, ct))
                    {
                        if (filter.Includes("/" + entry.Item.Path))
                        {
                            messages.Emit(new OciLayerItem(entry.Item, entry.LayerIndex, entry.LayerDigest));
                        }
                    }

                    return Task.CompletedTask;
                });
            });
            return;
        }

        ForEachInput(Reference, () =>
        {
            var reference = ResolveReference(Reference);
            var platform = ParsePlatform(Platform);
            if (ParameterSetName == MergedSet)
            {
                var analysis = RunCore((messages, ct) => LayerItemVerb.MergedAsync(reference, platform, StoreContext(messages), ct));
                var digests = analysis.Manifest.Layers.Select(l => l.Digest.ToString()).ToArray();
                foreach (var merged in analysis.FileSystem.Entries().Where(e => filter.Includes(e.Path)))
                {
                    WriteObject(new OciLayerItem(merged, digests[merged.LayerIndex], analysis.Reference.ToString()));
                }

                return;
            }

            var digest = Digest is null ? (Core.Digest?)null : Core.Digest.Parse(Digest);
            RunCore(async (messages, ct) =>
            {
                await foreach (var entry in LayerItemVerb.InImageAsync(reference, platform, Layer, digest, StoreContext(messages), ct).ConfigureAwait(false))
                {
                    if (filter.Includes("/" + entry.Item.Path))
                    {
                        messages.Emit(new OciLayerItem(entry.Item, entry.LayerIndex, entry.LayerDigest));
                    }
                }
            });
        });
    }
}
