using System.Management.Automation;
using OciImage.Core.Archives;
using OciImage.Core.Stores;

namespace OciImage.Commands;

/// <summary>Reads an image archive (OCI layout tar or docker save tar) into a registry or layout.</summary>
[Cmdlet(VerbsData.Import, "OciImage", SupportsShouldProcess = true)]
[OutputType(typeof(OciCopyResult))]
public sealed class ImportOciImageCommand : OciRegistryCmdlet
{
    /// <summary>The archive file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Where the image goes: REGISTRY/REPOSITORY[:TAG] or oci:PATH[:TAG] (default tag: the archive's).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    protected override void ProcessRecord()
    {
        ForEachInput(Path, () =>
        {
            var path = GetUnresolvedProviderPathFromPSPath(Path);
            var destination = ResolveReference(Destination);
            if (!ShouldProcess(destination.ToString(), $"Import {path}"))
            {
                return;
            }

            var result = RunCore(async (messages, ct) =>
            {
                using var target = ComposeTarget.Open(destination, StoreContext(messages));
                return await ImageArchives.ImportAsync(path, target, destination, messages, ct).ConfigureAwait(false);
            });
            WriteObject(new OciCopyResult(result));
        });
    }
}
