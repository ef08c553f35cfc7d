using System.Management.Automation;
using OciImage.Core.Errors;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Removes tags; the images they named stay (use Remove-OciManifest to delete an image).</summary>
[Cmdlet(VerbsCommon.Remove, "OciTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveOciTagCommand : OciRegistryCmdlet
{
    /// <summary>The tag to remove, as REPOSITORY:TAG or oci:PATH:TAG.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                if (reference.Tag is null)
                {
                    throw new InvalidReferenceException(text, "name the tag to remove (REPOSITORY:TAG)");
                }

                if (!ShouldProcess(reference.ToString(), "Remove tag"))
                {
                    return;
                }

                RunCore(async (messages, ct) =>
                {
                    await TagVerb.UntagAsync(reference, StoreContext(messages), ct).ConfigureAwait(false);
                });
            });
        }
    }
}
