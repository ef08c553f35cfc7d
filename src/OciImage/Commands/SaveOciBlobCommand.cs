using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using OciImage.Core.Verbs;

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

    /// <summary>
    /// The file to write, or a folder to write ALGORITHM-HEX files into: an existing folder, a path ending in a
    /// separator, or (for several blobs from the pipeline) a path that does not exist yet.
    /// </summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>Overwrites an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    // Pipeline input is saved when the input ends, once it is known how many blobs there are: a -Path that does
    // not exist names a folder for several blobs (Get-OciLayer | Save-OciBlob -Path ./layers) and a file for one.
    private readonly List<(string Reference, string Digest, long Size)> _queued = new();

    protected override void ProcessRecord()
    {
        if (MyInvocation.ExpectingInput)
        {
            _queued.Add((Reference, Digest, Size));
            return;
        }

        Save(Reference, Digest, Size, severalBlobs: false);
    }

    protected override void EndProcessing()
    {
        var several = _queued.Count > 1;
        foreach (var (reference, digest, size) in _queued)
        {
            Save(reference, digest, size, several);
        }
    }

    private void Save(string referenceText, string digestText, long knownSize, bool severalBlobs)
    {
        ForEachInput(referenceText, () =>
        {
            var reference = ResolveReference(referenceText).WithoutIdentifier();
            var digest = Core.Digest.Parse(digestText);
            var target = ResolvePath(Path);
            if (Directory.Exists(target) || (severalBlobs && !File.Exists(target)) || EndsWithSeparator(Path))
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

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            RunCore((messages, ct) => ReadVerb.SaveBlobAsync(reference, digest, knownSize, target, StoreContext(messages), ct));
            WriteObject(GetWrittenItem(target));
        });
    }

    private static bool EndsWithSeparator(string path) => path.EndsWith("/", StringComparison.Ordinal) || path.EndsWith("\\", StringComparison.Ordinal);
}
