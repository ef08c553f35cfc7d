using System.Management.Automation;
using OciImage.Core.Analysis;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Measures where an image's bytes go: its layers, and dive's efficiency, wasted bytes, user size and wasted
/// percent, from one streaming pass over its layers (no daemon, nothing written to disk).
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "OciImage")]
[OutputType(typeof(OciImageMeasurement))]
public sealed class MeasureOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Reference { get; set; } = null!;

    /// <summary>The platform to measure when the reference names a multi-platform index.</summary>
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
                var analysis = RunCore((messages, ct) => AnalyseVerb.MeasureAsync(reference, platform, StoreContext(messages), ct));
                WriteObject(new OciImageMeasurement(analysis));
            });
        }
    }
}
