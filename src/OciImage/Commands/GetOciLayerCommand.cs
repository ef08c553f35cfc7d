using System.Management.Automation;
using System.Linq;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Lists an image's layers with their digests, DiffIDs, sizes and the history line that made each.</summary>
[Cmdlet(VerbsCommon.Get, "OciLayer")]
[OutputType(typeof(OciLayer))]
public sealed class GetOciLayerCommand : OciRegistryCmdlet
{
    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>The platform to read when the reference names a multi-platform index.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                var platform = ParsePlatform(Platform);
                var layers = RunCore((messages, ct) => ReadVerb.LayersAsync(reference, platform, StoreContext(messages), ct));
                WriteObject(layers.Select(LayerListing.Describe).ToList(), enumerateCollection: true);
            });
        }
    }
}
