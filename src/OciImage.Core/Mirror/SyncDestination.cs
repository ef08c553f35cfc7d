using OciImage.Core.Errors;

namespace OciImage.Core.Mirror;

/// <summary>
/// Where a source repository goes. A destination ending in '/' is a prefix: each source repository keeps its
/// whole path below it (docker.io/library/nginx to mirror.local/hub/library/nginx, so library/nginx and
/// bitnami/nginx never collide; skopeo sync's --scoped). Otherwise the destination is the repository itself.
/// </summary>
public static class SyncDestination
{
    public static bool IsPrefix(string destination) => destination.EndsWith("/", System.StringComparison.Ordinal);

    /// <summary>The destination repository for <paramref name="source"/> under a prefix.</summary>
    public static string Under(string prefix, Reference source)
    {
        var path = source.Repository
            ?? System.IO.Path.GetFileNameWithoutExtension((source.LayoutPath ?? string.Empty).TrimEnd('/', '\\'));
        if (string.IsNullOrEmpty(path))
        {
            throw new InvalidReferenceException(prefix, $"the source {source} gives no repository name to put under it");
        }

        return prefix + path.ToLowerInvariant();
    }
}
