using OciImage.Core;

namespace OciImage;

/// <summary>The digest of a file, as Get-OciDigest -Path gives it (like Get-FileHash, in OCI form).</summary>
public sealed class OciFileDigest
{
    public OciFileDigest(string path, Digest digest, long size)
    {
        Path = path;
        _digest = digest;
        Size = size;
    }

    public string Algorithm => Digest.Algorithm;

    // Boxed, like every engine struct held by a public type of this assembly: see ModuleInitializer.
    private readonly object _digest;

    public Digest Digest => (Digest)_digest;

    public long Size { get; }

    public string Path { get; }

    public override string ToString() => Digest.ToString();
}
