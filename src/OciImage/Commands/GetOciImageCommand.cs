using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>An image in one object: digest, created, platforms, layers, size, labels, environment, entrypoint, the repository's tags.</summary>
[Cmdlet(VerbsCommon.Get, "OciImage")]
[OutputType(typeof(OciImageSummary))]
public sealed class GetOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST], oci:PATH[:TAG|@DIGEST] or an archive.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>The platform to summarise from an index; default: this machine's, else the index's only image.</summary>
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
                var summary = RunCore((messages, ct) => InspectVerb.InspectAsync(reference, platform, StoreContext(messages), ct));
                WriteObject(new OciImageSummary(summary));
            });
        }
    }
}
