using System.Management.Automation;
using OciImage.Core;
using OciImage.Core.Verbs;

namespace OciImage.Commands;

/// <summary>Gets the digest of an image reference (without reading more than its manifest), or of files.</summary>
[Cmdlet(VerbsCommon.Get, "OciDigest", DefaultParameterSetName = ReferenceSet)]
[OutputType(typeof(OciDescriptor), ParameterSetName = new[] { ReferenceSet })]
[OutputType(typeof(OciFileDigest), ParameterSetName = new[] { PathSet, LiteralPathSet })]
public sealed class GetOciDigestCommand : OciRegistryCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The image: REGISTRY/REPOSITORY[:TAG][@DIGEST] or oci:PATH[:TAG|@DIGEST].</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = ReferenceSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.LayoutTagCompleter))]
    public string[] Reference { get; set; } = null!;

    /// <summary>Files to hash; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = null!;

    /// <summary>Files to hash, taken literally (no wildcards).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>The digest algorithm for files: sha256 (default) or sha512.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateSet(Digest.Sha256, Digest.Sha512)]
    public string Algorithm { get; set; } = Digest.Sha256;

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case ReferenceSet:
                foreach (var text in Reference)
                {
                    ForEachInput(text, () =>
                    {
                        var reference = ResolveReference(text);
                        var descriptor = RunCore((messages, ct) => ReadVerb.DigestAsync(reference, StoreContext(messages), ct));
                        WriteObject(new OciDescriptor(reference.WithDigest(descriptor.Digest), descriptor));
                    });
                }

                break;
            case PathSet:
                foreach (var pattern in Path)
                {
                    ForEachInput(pattern, () =>
                    {
                        foreach (var file in ResolvePattern(pattern))
                        {
                            HashFile(file);
                        }
                    });
                }

                break;
            default:
                foreach (var literal in LiteralPath)
                {
                    ForEachInput(literal, () => HashFile(ResolvePath(literal)));
                }

                break;
        }
    }

    /// <summary>
    /// The files a wildcard names. Another provider's path (Env:\HOME) is InvalidPath, never a file of that name in the
    /// process's folder; a path that names nothing, or a drive this system lacks, is a per-item error, not a stop.
    /// </summary>
    private System.Collections.Generic.IEnumerable<string> ResolvePattern(string pattern)
    {
        System.Collections.ObjectModel.Collection<string> files;
        ProviderInfo provider;
        try
        {
            files = GetResolvedProviderPathFromPSPath(pattern, out provider);
        }
        catch (ItemNotFoundException)
        {
            throw new Core.Errors.FileNotFoundOciException(pattern);
        }
        catch (System.Exception ex) when (ex is SessionStateException or ProviderInvocationException or PSArgumentException)
        {
            throw new Core.Errors.InvalidPathException(pattern, ex.Message.TrimEnd('.'));
        }

        if (!string.Equals(provider.Name, "FileSystem", System.StringComparison.OrdinalIgnoreCase))
        {
            throw new Core.Errors.InvalidPathException(pattern, $"it is a path of the {provider.Name} provider, not of the file system");
        }

        return files;
    }

    private void HashFile(string file)
    {
        ForEachInput(file, () =>
        {
            var (digest, size) = RunCore((_, _) => System.Threading.Tasks.Task.FromResult(ReadVerb.FileDigest(file, Algorithm)));
            WriteObject(new OciFileDigest(file, digest, size));
        });
    }
}
