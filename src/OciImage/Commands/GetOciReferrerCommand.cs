using System.Management.Automation;
using OciImage.Core.Images;
using OciImage.Core.Stores;
using OciImage.Core.Transports;

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
                    using var store = ImageStores.OpenForRead(reference, StoreContext(messages));
                    var subject = reference.Digest ?? (await store.ResolveAsync(reference, ct).ConfigureAwait(false)).Digest;
                    foreach (var referrer in await Referrers.ListAsync(store, subject, ct).ConfigureAwait(false))
                    {
                        if (ArtifactType is null || referrer.ArtifactType == ArtifactType)
                        {
                            messages.Emit(new OciDescriptor(reference.WithoutIdentifier().WithDigest(referrer.Digest), referrer));
                        }
                    }
                });
            });
        }
    }
}
