using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using OciImage.Core;
using OciImage.Core.Copy;
using OciImage.Core.Layers;
using OciImage.Core.Stores;
using OciImage.Core.Transports;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Copies images between registries and OCI layouts: every platform, de-duplicated, in parallel, verified.</summary>
[Cmdlet(VerbsCommon.Copy, "OciImage", SupportsShouldProcess = true)]
[OutputType(typeof(OciCopyResult))]
public sealed class CopyOciImageCommand : OciRateLimitedCmdlet
{
    /// <summary>The image to copy: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Reference")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Source { get; set; } = null!;

    /// <summary>Where to: a repository or layout (the source's tag is kept), or with its own :TAG.</summary>
    [Parameter(Mandatory = true, Position = 1), ValidateNotNullOrEmpty]
    public string Destination { get; set; } = null!;

    /// <summary>Copies every tag of the source repository or layout.</summary>
    [Parameter]
    public SwitchParameter AllTags { get; set; }

    /// <summary>Only these platforms of a multi-platform image; a smaller valid index is written.</summary>
    [Parameter, ValidateNotNullOrEmpty, ArgumentCompleter(typeof(Completion.PlatformCompleter))]
    public string[]? Platform { get; set; }

    /// <summary>With one -Platform: copy that image alone, not an index.</summary>
    [Parameter] public SwitchParameter Single { get; set; }

    /// <summary>Refuses a copy whose destination digest would differ from the source's.</summary>
    [Parameter] public SwitchParameter RequireSameDigest { get; set; }

    /// <summary>Blobs moved at once (default 4).</summary>
    [Parameter, ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>Also copies the signatures, SBOMs and other artifacts that refer to the image.</summary>
    [Parameter]
    public SwitchParameter IncludeReferrers { get; set; }

    /// <summary>Recompresses every layer not already in gzip, zstd or none (DiffIDs kept; the digest changes, with a warning).</summary>
    [Parameter, ValidateSet("gzip", "zstd", "none")]
    public string? Compression { get; set; }

    /// <summary>With -Compression: Fastest, Optimal (default), SmallestSize, or 1 to 9 (for zstd, its own level).</summary>
    [Parameter, ValidateSet("Fastest", "Optimal", "SmallestSize", "1", "2", "3", "4", "5", "6", "7", "8", "9", IgnoreCase = true)]
    public string CompressionLevel { get; set; } = "Optimal";

    /// <summary>Credentials for the source registry only.</summary>
    [Parameter, Credential, ValidateNotNull]
    public PSCredential? SourceCredential { get; set; }

    /// <summary>Credentials for the destination registry only.</summary>
    [Parameter, Credential, ValidateNotNull]
    public PSCredential? DestinationCredential { get; set; }

    private readonly HashSet<string> _done = new(StringComparer.Ordinal); // one copy a source (piped layers name their image each)

    protected override void ProcessRecord()
    {
        foreach (var text in Source)
        {
            if (!_done.Add(text + "\n" + Destination))
            {
                WriteVerbose($"{text} was already copied to {Destination} by this command: not copied again.");
                continue;
            }

            ForEachInput(text, () =>
            {
                var source = ResolveReference(text);
                var destination = ResolveReference(Destination);
                var platforms = Platform?.Select(p => Core.Platform.Parse(p)).ToList();
                var sources = RunCore((messages, ct) => CopyVerb.SourcesAsync(source, AllTags, SideContext(messages, SourceCredential), ct));
                foreach (var one in sources)
                {
                    ForEachInput(one, () => CopyOne(one, CopyVerb.DestinationFor(one, destination), platforms));
                }
            });
        }
    }

    private void CopyOne(Reference source, Reference destination, IReadOnlyList<Core.Platform>? platforms)
    {
        var options = new CopyOptions
        {
            Platforms = platforms,
            Single = Single,
            RequireSameDigest = RequireSameDigest,
            ThrottleLimit = ThrottleLimit,
            IncludeReferrers = IncludeReferrers,
            Compression = Compression is null ? null : (LayerCompression)Enum.Parse(typeof(LayerCompression), Compression, true),
            CompressionLevel = LayerCompressionLevel.Parse(CompressionLevel),
        };
        if (!ShouldProcess(destination.ToString(), $"Copy {source}{(platforms is null ? string.Empty : " (" + string.Join(", ", platforms) + ")")}"))
        {
            return;
        }

        var result = RunCore((messages, ct) => CopyVerb.CopyAsync(
            source, destination, options, SideContext(messages, SourceCredential), SideContext(messages, DestinationCredential),
            new CopyProgressReporter(messages, $"Copying {source} to {destination}"), ct));
        WriteObject(new OciCopyResult(result));
    }

    private StoreContext SideContext(EngineMessages messages, PSCredential? credential) =>
        new(Sessions, CallOptions().WithCredential(credential is null ? null : ToRegistryCredential(credential)), messages);
}
