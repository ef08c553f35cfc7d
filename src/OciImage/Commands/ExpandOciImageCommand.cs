using System.IO;
using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Applies an image's layers into a directory: its root filesystem, whiteouts honoured.</summary>
[Cmdlet(VerbsData.Expand, "OciImage", SupportsShouldProcess = true)]
[OutputType(typeof(DirectoryInfo))]
public sealed class ExpandOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>The directory to create; it must not exist or be empty.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>The platform to expand when the reference names a multi-platform index.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>
    /// The most bytes the files may add up to, each entry counting 512 bytes more; a tar bomb stops there.
    /// Default: 100 times the layers' compressed size, at least 1 GiB.
    /// </summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaxSize { get; set; }

    /// <summary>Keeps the current user as the owner of every file even when running as root (tar's --no-same-owner); without root, owners are never applied.</summary>
    [Parameter]
    public SwitchParameter NoSameOwner { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Reference, () =>
        {
            var reference = ResolveReference(Reference);
            var platform = ParsePlatform(Platform);
            var destination = ResolvePath(Destination);
            if (!ShouldProcess(destination, $"Expand {reference}"))
            {
                return;
            }

            long? maxSize = MyInvocation.BoundParameters.ContainsKey(nameof(MaxSize)) ? MaxSize : null;
            RunCore((messages, ct) => ExpandVerb.ExpandAsync(reference, platform, destination, maxSize, !NoSameOwner.IsPresent, StoreContext(messages), ct));
            WriteObject(GetWrittenItem(destination));
        });
    }
}
