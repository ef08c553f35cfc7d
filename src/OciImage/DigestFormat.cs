namespace OciImage;

/// <summary>Digests as table views show them: the algorithm and the first 12 hex digits (sha256:2cf24dba5fb0).</summary>
public static class DigestFormat
{
    private const int ShortHexLength = 12;

    /// <summary>Takes the string form (what output objects and their deserialized copies carry); empty for none.</summary>
    public static string Short(string? digest)
    {
        if (string.IsNullOrEmpty(digest))
        {
            return string.Empty;
        }

        var colon = digest!.IndexOf(':');
        return colon < 0 || digest.Length <= colon + 1 + ShortHexLength ? digest : digest.Substring(0, colon + 1 + ShortHexLength);
    }

    /// <summary>The hex part alone, as Get-FileHash shows a hash.</summary>
    public static string Hex(string? digest) =>
        string.IsNullOrEmpty(digest) ? string.Empty : digest!.Substring(digest.IndexOf(':') + 1);
}
