using System.Linq;
using System.Management.Automation;
using OciImage.Core.Images;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

namespace OciImage.Commands;

/// <summary>Checks an image: every digest and size, media types, config against manifest; -Deep checks DiffIDs.</summary>
[Cmdlet(VerbsDiagnostic.Test, "OciImage")]
[OutputType(typeof(OciValidationResult), typeof(bool))]
public sealed class TestOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Reference { get; set; } = null!;

    /// <summary>Also decompresses every layer and compares its DiffID with the config.</summary>
    [Parameter]
    public SwitchParameter Deep { get; set; }

    /// <summary>Returns only $true or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                var problems = RunCore(async (messages, ct) =>
                {
                    using var store = ImageStores.OpenForRead(reference, StoreContext(messages));
                    return await ImageValidator.ValidateAsync(store, reference, Deep, messages, ct).ConfigureAwait(false);
                });
                foreach (var problem in problems)
                {
                    WriteVerbose(problem);
                }

                if (Quiet)
                {
                    WriteObject(problems.Count == 0);
                }
                else
                {
                    WriteObject(new OciValidationResult(reference, Deep, problems.ToArray()));
                }
            });
        }
    }
}
