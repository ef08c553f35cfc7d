using System.Management.Automation;
using System.Text;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Gets the manifest or index that a reference names.</summary>
[Cmdlet(VerbsCommon.Get, "OciManifest")]
[OutputType(typeof(OciManifest), typeof(OciIndex), typeof(string))]
public sealed class GetOciManifestCommand : OciRegistryCmdlet
{
    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>Chooses one platform's manifest from an index (linux/arm64, linux/arm/v7).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>Writes the exact JSON text instead of an object.</summary>
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
                var image = RunCore((messages, ct) => ReadVerb.ManifestAsync(reference, platform, StoreContext(messages), ct));

                if (Raw)
                {
                    WriteObject(Encoding.UTF8.GetString(image.Manifest.GetRawBytes()));
                }
                else if (image.Index is not null)
                {
                    WriteObject(new OciIndex(image));
                }
                else
                {
                    WriteObject(OciManifest.Shown(new OciManifest(image)));
                }
            });
        }
    }
}
