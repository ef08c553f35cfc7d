using System.Linq;
using System.Management.Automation;
using OciImage.Core.Archives;
using OciImage.Core.Copy;
using OciImage.Core.Verbs;

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

    /// <summary>Where the images go: REGISTRY/REPOSITORY or oci:PATH (each image under its own tag), or with a :TAG for one image.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>Only the images with these names (RepoTags or index.json names; wildcards; a tag alone matches too).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only these platforms of a multi-platform image (a smaller index is written).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string[]? Platform { get; set; }

    protected override void ProcessRecord()
    {
        ForEachInput(Path, () =>
        {
            var path = ResolvePath(Path);
            var destination = ResolveReference(Destination);
            if (!ShouldProcess(destination.ToString(), $"Import {path}"))
            {
                return;
            }

            var patterns = Name?.Select(n => CheckedWildcard.Get(n, WildcardOptions.IgnoreCase)).ToList();
            var names = patterns is null ? null : new NameFilter(n => patterns.Any(p => p.IsMatch(n)), string.Join(" or ", Name!));
            var options = new CopyOptions { Platforms = Platform?.Select(p => Core.Platform.Parse(p)).ToList() };
            var results = RunCore((messages, ct) => ArchiveVerb.ImportAsync(path, destination, names, options, StoreContext(messages), ct));
            foreach (var result in results)
            {
                WriteObject(new OciCopyResult(result));
            }
        });
    }
}
