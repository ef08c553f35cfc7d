using OciImage.Core;

namespace OciImage;

/// <summary>The digest of a file, as Get-OciDigest -Path gives it (like Get-FileHash, in OCI form).</summary>
public sealed class OciFileDigest
{
    public OciFileDigest(string path, Digest digest, long size)
    {
        Path = path;
        Digest = digest.ToString();
        Algorithm = digest.Algorithm;
        Size = size;
    }

    public string Algorithm { get; }

    /// <summary>ALGORITHM:HEX, such as sha256:2cf24dba5fb0...</summary>
    public string Digest { get; }

    public long Size { get; }

    public string Path { get; }

    public override string ToString() => Digest;
}
