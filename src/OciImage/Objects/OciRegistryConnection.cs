namespace OciImage;

/// <summary>What Connect-OciRegistry keeps for a registry in this session (never the secret).</summary>
public sealed class OciRegistryConnection
{
    public OciRegistryConnection(string registry, string? userName, bool allowInsecure, bool skipCertificateCheck, long chunkSize)
    {
        Registry = registry;
        UserName = userName;
        AllowInsecure = allowInsecure;
        SkipCertificateCheck = skipCertificateCheck;
        ChunkSize = chunkSize;
    }

    public string Registry { get; }

    public string? UserName { get; }

    public bool AllowInsecure { get; }

    public bool SkipCertificateCheck { get; }

    public long ChunkSize { get; }

    public override string ToString() => Registry;
}
