using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Gets the configuration of an image: environment, entrypoint, labels, layers' DiffIDs, history.</summary>
[Cmdlet(VerbsCommon.Get, "OciImageConfig")]
[OutputType(typeof(OciImageConfig), typeof(string))]
public sealed class GetOciImageConfigCommand : OciRegistryCmdlet
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

    /// <summary>Writes the exact JSON text of the config instead of an object.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                var platform = ParsePlatform(Platform);
                var image = RunCore((messages, ct) => ReadVerb.ImageAsync(reference, platform, StoreContext(messages), ct));
                var config = image.Config;

                if (Raw)
                {
                    WriteObject(System.Text.Encoding.UTF8.GetString(config.GetRawBytes()));
                }
                else
                {
                    WriteObject(new OciImageConfig(image.Reference, config));
                }
            });
        }
    }
}
