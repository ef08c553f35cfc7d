using System.IO;
using System.Management.Automation;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>
/// Reads one file out of an image without unpacking it (crane export | tar -xO), from the merged file system,
/// links followed inside the image: as lines, as one string (-Raw), as bytes (-AsByteStream), or into a file (-Destination).
/// </summary>
[Cmdlet(VerbsCommon.Get, "OciContent", DefaultParameterSetName = TextSet, SupportsShouldProcess = true)]
[OutputType(typeof(string), ParameterSetName = new[] { TextSet })]
[OutputType(typeof(byte[]), ParameterSetName = new[] { BytesSet })]
[OutputType(typeof(FileInfo), ParameterSetName = new[] { FileSet })]
public sealed class GetOciContentCommand : OciRegistryCmdlet
{
    private const string TextSet = "Text";
    private const string BytesSet = "AsByteStream";
    private const string FileSet = "Destination";

    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Reference { get; set; } = null!;

    /// <summary>The file's path in the image, such as /etc/os-release (the leading '/' may be left out).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The platform to read when the reference names a multi-platform index.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string? Platform { get; set; }

    /// <summary>The whole file as one string, line ends kept (as Get-Content -Raw).</summary>
    [Parameter(ParameterSetName = TextSet)]
    public SwitchParameter Raw { get; set; }

    /// <summary>The file's bytes, as one byte[] (as Get-Content -AsByteStream -Raw); files over 256 MiB are refused: use -Destination.</summary>
    [Parameter(Mandatory = true, ParameterSetName = BytesSet)]
    public SwitchParameter AsByteStream { get; set; }

    /// <summary>Writes the bytes to this file (verified before it appears) and returns the file.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>Overwrites the -Destination file if it exists.</summary>
    [Parameter(ParameterSetName = FileSet)]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Reference, () =>
        {
            var reference = ResolveReference(Reference);
            var platform = ParsePlatform(Platform);
            if (ParameterSetName == FileSet)
            {
                var target = ResolvePath(Destination);
                if (ShouldProcess(target, $"Write {Path} of {reference}"))
                {
                    RunCore((messages, ct) => ContentVerb.SaveAsync(reference, platform, Path, target, Force, StoreContext(messages), ct));
                    WriteObject(GetWrittenItem(target));
                }

                return;
            }

            // Lines stream from a verified copy; one object (a string or bytes) is bounded in size.
            var limit = AsByteStream || Raw ? ContentVerb.MaximumInMemory : long.MaxValue;
            using var content = RunCore((messages, ct) => ContentVerb.OpenAsync(reference, platform, Path, limit, StoreContext(messages), ct));
            if (AsByteStream || Raw)
            {
                // As Get-Content -Raw: an empty file writes nothing.
                if (content.Size > 0)
                {
                    WriteObject(AsByteStream ? content.ReadBytes() : content.ReadText(), enumerateCollection: false);
                }
            }
            else
            {
                foreach (var line in content.Lines())
                {
                    WriteObject(line);
                }
            }
        });
    }
}
