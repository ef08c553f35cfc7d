using OciImage.Core;

namespace OciImage;

/// <summary>The digest of a file, as Get-OciDigest -Path gives it (like Get-FileHash, in OCI form).</summary>
public sealed class OciFileDigest
{
    public OciFileDigest(string path, Digest digest, long size)
    {
        Path = path;
        Digest = digest;
        Size = size;
    }

    public string Algorithm => Digest.Algorithm;

    public Digest Digest { get; }

    public long Size { get; }

    public string Path { get; }

    public override string ToString() => Digest.ToString();
}
