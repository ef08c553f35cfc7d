using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Lists the artifacts (signatures, SBOMs, attestations) that refer to an image.</summary>
[Cmdlet(VerbsCommon.Get, "OciReferrer")]
[OutputType(typeof(OciDescriptor))]
public sealed class GetOciReferrerCommand : OciRegistryCmdlet
{
    /// <summary>The image: REPOSITORY:TAG, REPOSITORY@DIGEST, or the oci: forms.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>Only referrers of this artifact type.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ArtifactType { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                RunCore(async (messages, ct) =>
                {
                    await foreach (var referrer in ReadVerb.ReferrersAsync(reference, ArtifactType, StoreContext(messages), ct).ConfigureAwait(false))
                    {
                        messages.Emit(new OciDescriptor(reference.WithoutIdentifier().WithDigest(referrer.Digest), referrer));
                    }
                });
            });
        }
    }
}
