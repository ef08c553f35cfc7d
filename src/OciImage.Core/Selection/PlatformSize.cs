namespace OciImage.Core.Selection;

/// <summary>One platform image of a tag: its platform, manifest digest, and compressed bytes (manifest, config and layers).</summary>
public sealed class PlatformSize
{
    public PlatformSize(string platform, Digest digest, long size)
    {
        Platform = platform;
        Digest = digest;
        Size = size;
    }

    public string Platform { get; }

    public Digest Digest { get; }

    public long Size { get; }

    public override string ToString() => $"{Platform} {Size}";
}
