using System.Linq;
using System.Management.Automation;
using OciImage.Core.Analysis;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Compares two images: their layers (shared, added, removed), or with -Files their final file systems, one
/// object per path that differs.
/// </summary>
[Cmdlet(VerbsData.Compare, "OciImage")]
[OutputType(typeof(OciLayerComparison), typeof(OciFileDifference))]
public sealed class CompareOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The image compared from (the "before"): REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>The image compared to (the "after").</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string DifferenceReference { get; set; } = null!;

    /// <summary>The platform to compare when a reference names a multi-platform index.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>Compares the final file systems, path by path, instead of the layers.</summary>
    [Parameter]
    public SwitchParameter Files { get; set; }

    /// <summary>Limits the file comparison to a subtree: a path or wildcard pattern (/etc, /usr/lib/*.so); implies -Files.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string? Path { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(DifferenceReference, () =>
        {
            var reference = ResolveReference(Reference);
            var difference = ResolveReference(DifferenceReference);
            var platform = ParsePlatform(Platform);
            if (!Files && Path is null)
            {
                var layers = RunCore((messages, ct) => AnalyseVerb.CompareLayersAsync(reference, difference, platform, StoreContext(messages), ct));
                foreach (var layer in layers)
                {
                    WriteObject(new OciLayerComparison(layer));
                }

                return;
            }

            var filter = Path is null ? null : new PathFilter(Path);
            var comparison = RunCore((messages, ct) => AnalyseVerb.CompareFilesAsync(reference, difference, platform, filter, StoreContext(messages), ct));
            var before = comparison.Reference.Manifest.Layers.Select(l => (string?)l.Digest.ToString()).ToArray();
            var after = comparison.Difference.Manifest.Layers.Select(l => (string?)l.Digest.ToString()).ToArray();
            foreach (var file in comparison.Differences)
            {
                WriteObject(new OciFileDifference(file, comparison.Reference.Reference.ToString(), comparison.Difference.Reference.ToString(), before, after));
            }
        });
    }
}
