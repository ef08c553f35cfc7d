namespace OciImage;

/// <summary>References as table views show them: without the @DIGEST a pinned reference ends with (it has a column of its own).</summary>
public static class ReferenceFormat
{
    /// <summary>Takes the string form (what output objects and their deserialized copies carry).</summary>
    public static string WithoutDigest(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return string.Empty;
        }

        // The digest is always last, and a digest has no '@': cut at the last one when what follows is a digest.
        var at = reference!.LastIndexOf('@');
        return at > 0 && LooksLikeDigest(reference.Substring(at + 1)) ? reference.Substring(0, at) : reference;
    }

    private static bool LooksLikeDigest(string text)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var ok = i == colon || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i < colon && (c == '+' || c == '.' || c == '_' || c == '-'));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
