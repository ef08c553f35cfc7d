using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Transports;

namespace OciImage.Core.Mirror;

/// <summary>
/// -DestinationRoot: the one place a saved plan may write. A plan file is outside input; edited by hand or by an
/// attacker it can name any repository or directory as a destination or a prune, and applying it writes or
/// deletes wherever the caller's credentials reach. With a root, every item's destination (each prune's tag too)
/// must be under it before any request, or nothing is applied:
/// a registry root (<c>host[:port]</c> or <c>host[:port]/path</c>) admits registry references of that host
/// (case-insensitive) and port, whose repository is the path or below it on a '/' boundary (team admits team/app,
/// not team-evil); a layout root (<c>oci:DIR</c>, or a path starting with /, ./, ../, ~ or a drive) admits
/// layouts and archives whose path, resolved as the file system will follow it (.. folded, links of existing
/// components followed, see <see cref="ResolvedPath"/>), is the root or inside it.
/// </summary>
public sealed class SyncDestinationRoot
{
    private const string Probe = "/probe/probe";

    private readonly string? _registry;
    private readonly string? _repository;
    private readonly string? _directory;

    private SyncDestinationRoot(string text, string? registry, string? repository, string? directory)
    {
        Text = text;
        _registry = registry;
        _repository = repository;
        _directory = directory;
    }

    /// <summary>The root as the user gave it.</summary>
    public string Text { get; }

    /// <summary>True for a layout directory, false for a registry prefix.</summary>
    public bool IsLocal => _directory is not null;

    /// <summary>
    /// Reads a root. <paramref name="resolvePath"/> makes a layout root's path absolute (a cmdlet's current
    /// location); null uses the process's. A registry root must name its registry: <c>docker.io/team</c>, not
    /// <c>team</c>, which could as well mean a folder.
    /// </summary>
    public static SyncDestinationRoot Parse(string text, Func<string, string>? resolvePath = null)
    {
        var trimmed = (text ?? string.Empty).Trim();
        if (trimmed.Length == 0)
        {
            throw new InvalidReferenceException(text ?? "(null)", "the destination root is empty");
        }

        string? path = null;
        if (TransportTable.Default.FindByPrefix(trimmed) is { } transport)
        {
            if (transport is LayoutTransport)
            {
                path = Reference.Parse(trimmed) is { Tag: null, Digest: null } layout ? layout.LayoutPath
                    : throw new InvalidReferenceException(text!, "a destination root is a directory: oci:DIR, with no image name");
            }
            else if (transport is not RegistryImageTransport)
            {
                throw new InvalidReferenceException(text!, $"a destination root is a registry (host[:port][/path]) or a layout directory (oci:DIR), not a {transport.Prefix} reference");
            }
            else
            {
                trimmed = trimmed.Substring(transport.Prefix.Length);
            }
        }
        else if (Reference.LooksLikeAPath(trimmed))
        {
            path = trimmed;
        }

        if (path is not null)
        {
            var full = Path.GetFullPath(resolvePath?.Invoke(path) ?? path);
            var real = ResolvedPath.Of(full) ?? throw new InvalidPathException(path, "it goes through a loop of symbolic links, or a folder that cannot be read");
            return new SyncDestinationRoot(text!, null, null, real);
        }

        var prefix = trimmed.TrimEnd('/');
        var host = prefix.Split('/')[0];
        if (!(host.Contains(".") || host.Contains(":") || host == "localhost" || host.StartsWith("[", StringComparison.Ordinal)))
        {
            throw new InvalidReferenceException(text!, $"a registry root names its registry first (docker.io/{prefix}/ for Docker Hub); a layout directory is oci:DIR or a path starting with /, ./ or ../");
        }

        // The registry grammar's own checks (host, lowercase path components), on a repository the prefix would hold.
        var parsed = Reference.Parse(prefix + Probe);
        if (parsed.Tag is not null || parsed.Digest is not null)
        {
            throw new InvalidReferenceException(text!, "a registry root names no tag or digest");
        }

        var repository = parsed.Repository!.Substring(0, parsed.Repository!.Length - Probe.Length + 1).TrimEnd('/');
        return new SyncDestinationRoot(text!, parsed.Registry, repository, null);
    }

    /// <summary>Why <paramref name="destination"/> is not under this root, or null when it is.</summary>
    public string? Refusal(Reference destination)
    {
        if (_directory is not null)
        {
            if (!destination.IsLocal)
            {
                return "it is not a layout or archive on this machine";
            }

            var path = destination.LayoutPath!;
            if (!IsFullyQualified(path))
            {
                return "its path is relative (-Plan writes absolute paths): it would depend on the current directory";
            }

            // As the store will open it (.. folded first), and as the system would read the text as given.
            foreach (var form in new[] { Path.GetFullPath(path), path })
            {
                var real = ResolvedPath.Of(form);
                if (real is null)
                {
                    return "its path goes through a loop of symbolic links, or a folder that cannot be read";
                }

                if (!ResolvedPath.IsInside(real, _directory))
                {
                    return string.Equals(real, form, StringComparison.Ordinal) ? "its path is outside the root" : $"its path leads to {real}, outside the root";
                }
            }

            return null;
        }

        if (destination.Transport is not RegistryImageTransport)
        {
            return "it is not a registry repository";
        }

        if (!string.Equals(destination.Registry, _registry, StringComparison.OrdinalIgnoreCase))
        {
            return $"it is on the registry {destination.Registry}, not {_registry}";
        }

        var repository = destination.Repository!;
        return _repository!.Length == 0 || repository == _repository || repository.StartsWith(_repository + "/", StringComparison.Ordinal)
            ? null
            : $"its repository {repository} is not {_repository} or below it";
    }

    /// <summary>Refuses the whole plan, before any request, when one item's destination is not under this root.</summary>
    public void Check(IReadOnlyList<SyncPlanItem> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (Refusal(items[i].Destination) is { } why)
            {
                throw new InvalidSyncPlanException($"item {i} ({items[i].Action} to {items[i].Destination})",
                    $"it is not under the destination root {Text} ({Describe()}): {why}");
            }
        }
    }

    /// <summary>
    /// The places a plan's destinations span when they are more than one: each registry, each other daemon, and
    /// this machine's paths by their common folder (by their top folders when that is the file system's root).
    /// </summary>
    public static IReadOnlyList<string>? Spread(IEnumerable<Reference> destinations)
    {
        var places = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var paths = new List<string>();
        foreach (var destination in destinations)
        {
            if (destination.IsLocal)
            {
                paths.Add(Path.GetFullPath(destination.LayoutPath!));
            }
            else
            {
                places.Add(destination.Transport is RegistryImageTransport ? destination.Registry! : destination.Transport.Prefix);
            }
        }

        if (paths.Count > 0)
        {
            var common = CommonFolder(paths);
            if (common is not null && common != Path.GetPathRoot(common))
            {
                places.Add(common);
            }
            else
            {
                foreach (var path in paths)
                {
                    var root = Path.GetPathRoot(path)!;
                    var top = path.Substring(root.Length).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                    places.Add(top is null ? root : Path.Combine(root, top));
                }
            }
        }

        return places.Count > 1 ? places.ToList() : null;
    }

    private string Describe() => _directory is not null
        ? $"the directory {_directory}"
        : _repository!.Length == 0 ? $"the registry {_registry}" : $"{_registry}/{_repository} and below";

    /// <summary>The deepest folder holding every path (each path's parent counts: a layout is a folder of its own), or null (other drives).</summary>
    private static string? CommonFolder(IReadOnlyList<string> paths)
    {
        var common = Path.GetDirectoryName(paths[0]);
        foreach (var path in paths.Skip(1))
        {
            while (common is not null && !ResolvedPath.IsInside(path, common))
            {
                common = Path.GetDirectoryName(common);
            }
        }

        return common;
    }

    private static bool IsFullyQualified(string path) => UnixFileSystem.IsWindows
        ? (path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/') || path.StartsWith(@"\\", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal)
        : path.StartsWith("/", StringComparison.Ordinal);
}
