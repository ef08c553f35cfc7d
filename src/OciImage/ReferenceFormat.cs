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

    /// <summary>
    /// What a narrow table shows: without the digest, and a layout or archive path under the current folder as
    /// ./PATH (under the home folder as ~/PATH), so the part that tells images apart survives an 80-column cut.
    /// </summary>
    public static string Short(string? reference, string? currentFolder)
    {
        var text = WithoutDigest(reference);
        foreach (var prefix in new[] { "oci:", "oci-archive:", "docker-archive:" })
        {
            if (text.StartsWith(prefix, System.StringComparison.Ordinal))
            {
                return prefix + ShortPath(text.Substring(prefix.Length), currentFolder);
            }
        }

        return text;
    }

    private static string ShortPath(string path, string? currentFolder)
    {
        foreach (var (folder, shown) in new[] { (currentFolder, "."), (System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), "~") })
        {
            if (string.IsNullOrEmpty(folder))
            {
                continue;
            }

            var root = folder!.TrimEnd('/', '\\');
            if (root.Length > 0 && path.Length > root.Length && path.StartsWith(root, System.StringComparison.Ordinal) && path[root.Length] is '/' or '\\')
            {
                return shown + path.Substring(root.Length);
            }
        }

        return path;
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
