using System.Management.Automation;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Tags an existing image with more tags, by putting its exact manifest bytes under each new tag.</summary>
[Cmdlet(VerbsCommon.Set, "OciTag", SupportsShouldProcess = true)]
[OutputType(typeof(OciTag))]
public sealed class SetOciTagCommand : OciRegistryCmdlet
{
    /// <summary>The image to tag: REPOSITORY:TAG, REPOSITORY@DIGEST, or the oci: forms.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>The new tags, in the same repository or layout.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = null!;

    protected override void ProcessRecord()
    {
        foreach (var text in Reference)
        {
            ForEachInput(text, () =>
            {
                var reference = ResolveReference(text);
                foreach (var tag in Tag)
                {
                    var target = reference.WithoutIdentifier().WithTag(tag);
                    if (!ShouldProcess(target.ToString(), $"Point tag at {reference}"))
                    {
                        continue;
                    }

                    var manifest = RunCore((messages, ct) => TagVerb.TagAsync(reference, tag, StoreContext(messages), ct));
                    WriteObject(new OciTag(target, tag, manifest.Digest, manifest.MediaType));
                }
            });
        }
    }
}
