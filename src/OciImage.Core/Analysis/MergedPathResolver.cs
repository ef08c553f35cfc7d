using System;
using System.Collections.Generic;
using OciImage.Core.Errors;
using OciImage.Core.Layers;

namespace OciImage.Core.Analysis;

/// <summary>
/// Finds what a path names in an image's merged file system, as the kernel would inside a container whose root is
/// the image: component by component, symbolic links followed where they stand (an absolute target starts again
/// at the image's root, '..' stops at the root), at most <see cref="MaximumHops"/> links (Linux's ELOOP limit),
/// hard links to the bytes they name. Only the image's own paths are ever looked at, so no link can reach the host.
/// </summary>
internal sealed class MergedPathResolver
{
    /// <summary>Links followed at most while resolving one path, as Linux (MAXSYMLINKS).</summary>
    public const int MaximumHops = 40;

    private readonly Dictionary<string, MergedEntry> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { string.Empty };
    private readonly string _image;

    public MergedPathResolver(MergedFileSystem fileSystem, string image)
    {
        _image = image;
        foreach (var entry in fileSystem.Entries())
        {
            var path = entry.Path.TrimStart('/');
            _entries[path] = entry;

            // A parent a tar never listed is still a directory.
            for (var slash = path.LastIndexOf('/'); slash > 0 && _directories.Add(path.Substring(0, slash)); slash = path.LastIndexOf('/', slash - 1))
            {
            }
        }
    }

    /// <summary>
    /// The file entry whose bytes <paramref name="path"/> holds, with the path it resolved to ("/a/b"). A directory
    /// is PathIsDirectory, a device, fifo or link loop InvalidPath, anything missing PathNotFound.
    /// </summary>
    public (LayerEntry Content, string ResolvedPath) Resolve(string path)
    {
        var pending = new Stack<string>();
        Push(pending, path);
        var current = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (name.Length == 0 || name == ".")
            {
                continue;
            }

            if (name == "..")
            {
                // The image's root is its own parent: '..' never leaves it.
                if (current.Count > 0)
                {
                    current.RemoveAt(current.Count - 1);
                }

                continue;
            }

            current.Add(name);
            var here = string.Join("/", current);
            if (!_entries.TryGetValue(here, out var entry))
            {
                if (_directories.Contains(here))
                {
                    continue;
                }

                throw NotFound(path, $"/{here} does not exist");
            }

            var kind = entry.Entry.Kind;
            var target = entry.Entry.LinkTarget;
            if (kind == EntryKind.HardLink)
            {
                // A hard link is the entry it names: a file's bytes, or (as tar extracts it) a symbolic link.
                var named = entry.Content ?? throw NotFound(path, $"/{here} is a hard link to {target}, which the image does not hold");
                kind = named.Kind;
                target = named.LinkTarget;
            }

            if (kind == EntryKind.Symlink)
            {
                if (++hops > MaximumHops)
                {
                    throw new InvalidPathException(path, $"it passes more than {MaximumHops} symbolic links in {_image} (a loop: /{here} -> {target})");
                }

                if (string.IsNullOrEmpty(target))
                {
                    throw NotFound(path, $"/{here} is a symbolic link to nothing");
                }

                current.RemoveAt(current.Count - 1);
                if (target![0] == '/')
                {
                    current.Clear();
                }

                Push(pending, target);
                continue;
            }

            if (kind == EntryKind.Directory)
            {
                continue;
            }

            if (HasMore(pending))
            {
                throw NotFound(path, $"/{here} is a {Describe(kind)}, not a directory");
            }

            if (kind != EntryKind.File || entry.Content is null)
            {
                throw new InvalidPathException(path, $"/{here} is a {Describe(kind)} in {_image}, which holds no content to read");
            }

            return (entry.Content, "/" + here);
        }

        throw new PathIsDirectoryException(current.Count == 0 ? "/" : "/" + string.Join("/", current));
    }

    private PathNotFoundException NotFound(string path, string detail) => new(_image, path, detail);

    private static void Push(Stack<string> pending, string path)
    {
        var names = path.Split('/');
        for (var i = names.Length - 1; i >= 0; i--)
        {
            pending.Push(names[i]);
        }
    }

    /// <summary>True when anything follows, even an empty name: "/file/" needs a directory, as open(2) says (ENOTDIR).</summary>
    private static bool HasMore(Stack<string> pending) => pending.Count > 0;

    private static string Describe(EntryKind kind) => kind switch
    {
        EntryKind.File => "file",
        EntryKind.CharacterDevice => "character device",
        EntryKind.BlockDevice => "block device",
        EntryKind.Fifo => "fifo",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
