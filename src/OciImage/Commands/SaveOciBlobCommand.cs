using System;
using System.IO;
using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Model;
using OciImage.Core.Stores;
using OciImage.Core.Transfer;
using OciImage.Core.Transports;

namespace OciImage.Commands;

/// <summary>Saves a blob (a layer, a config) of a repository or layout to a file, verified, resumable.</summary>
[Cmdlet(VerbsData.Save, "OciBlob", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class SaveOciBlobCommand : OciRegistryCmdlet
{
    /// <summary>The repository or layout that holds the blob (a tag or digest on it is ignored).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>The digest of the blob.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Digest { get; set; } = null!;

    /// <summary>The blob's size when known (from Get-OciLayer); otherwise it is asked for.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, long.MaxValue)]
    public long Size { get; set; }

    /// <summary>The file to write, or an existing directory to write ALGORITHM-HEX files into.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Reference, () =>
        {
            var reference = ResolveReference(Reference).WithoutIdentifier();
            var digest = Core.Digest.Parse(Digest);
            var target = GetUnresolvedProviderPathFromPSPath(Path);
            if (Directory.Exists(target))
            {
                target = System.IO.Path.Combine(target, digest.Algorithm + "-" + digest.Hex);
            }

            if (File.Exists(target) && !Force)
            {
                throw new Core.Errors.FileExistsException(target) { Target = target };
            }

            if (!ShouldProcess(target, $"Save blob {digest} of {reference}"))
            {
                return;
            }

            RunCore(async (messages, ct) =>
            {
                using var store = ImageStores.OpenForRead(reference, StoreContext(messages));
                var size = Size > 0 ? Size : await store.StatBlobAsync(digest, ct).ConfigureAwait(false)
                    ?? throw new Core.Errors.BlobUnknownException(reference.ToString(), digest);
                var descriptor = new Descriptor { MediaType = "application/octet-stream", Digest = digest, Size = size };
                await BlobDownloader.SaveAsync(store, descriptor, target, null, ct).ConfigureAwait(false);
            });
            WriteObject(new FileInfo(target));
        });
    }
}
