using System.Management.Automation;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Deletes an image manifest by digest, and with it every tag that names it.</summary>
[Cmdlet(VerbsCommon.Remove, "OciManifest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveOciManifestCommand : OciRegistryCmdlet
{
    /// <summary>The image: REPOSITORY@DIGEST (a tag is resolved to its digest first), or the oci: forms.</summary>
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
                var digest = RunCore((messages, ct) => TagVerb.PinAsync(reference, StoreContext(messages), ct));
                var pinned = reference.WithoutIdentifier().WithDigest(digest);
                if (!ShouldProcess(pinned.ToString(), "Delete the manifest and every tag that names it"))
                {
                    return;
                }

                RunCore(async (messages, ct) =>
                {
                    await TagVerb.DeleteAsync(reference, digest, StoreContext(messages), ct).ConfigureAwait(false);
                });
            });
        }
    }
}
