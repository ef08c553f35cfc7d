using System.IO;
using System.Management.Automation;
using OciImage.Core.Archives;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Writes an image to a tar file: an OCI layout archive, or a docker save archive.</summary>
[Cmdlet(VerbsData.Export, "OciImage", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>The tar file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>oci (an OCI layout in a tar, every platform) or docker (docker save format, one platform).</summary>
    [Parameter]
    [ValidateSet("oci", "docker")]
    public string Format { get; set; } = "oci";

    /// <summary>The platform to export from a multi-platform image (needed for -Format docker).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>The name:tag that docker load gives the image (docker format; default from the reference).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RepoTag { get; set; }

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Reference, () =>
        {
            var reference = ResolveReference(Reference);
            var platform = ParsePlatform(Platform);
            var path = ResolvePath(Path);
            if (File.Exists(path) && !Force)
            {
                throw new Core.Errors.FileExistsException(path) { Target = path };
            }

            var repoTag = RepoTag ?? ArchiveVerb.DefaultRepoTag(reference);
            var format = Format == "docker" ? ArchiveFormat.Docker : ArchiveFormat.Oci;
            if (!ShouldProcess(path, $"Export {reference} as a {Format} archive"))
            {
                return;
            }

            RunCore((messages, ct) => ArchiveVerb.ExportAsync(reference, path, format, platform, repoTag, StoreContext(messages), ct));
            WriteObject(GetWrittenItem(path));
        });
    }
}
