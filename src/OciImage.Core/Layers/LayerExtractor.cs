using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using OciImage.Core.Errors;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// Applies layers in order to a root directory, as a runtime would: whiteouts delete, opaque markers hide the
/// lower layers' content of a directory, later entries replace earlier ones. Safe against hostile tars: paths
/// are resolved inside the root (symlinks included), absolute names, '..' and links that lead out are refused,
/// devices are skipped, and the total size is bounded.
/// </summary>
public sealed class LayerExtractor
{
    private readonly string _root;
    private readonly long _maxSize;
    private readonly IEngineLog _log;
    private readonly List<(string Path, int Mode, DateTime Modified)> _directories = new();
    private long _written;

    public LayerExtractor(string root, long maxSize, IEngineLog log)
    {
        _root = Path.GetFullPath(root);
        _maxSize = maxSize;
        _log = log;
    }

    /// <summary>Applies one layer's entries.</summary>
    public void Apply(LayerReader layer, CancellationToken cancellationToken)
    {
        var writtenHere = new PathTree<string>();
        var opaqueHere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in layer.Items(cancellationToken))
        {
            var path = Validate(item);
            if (path is null)
            {
                continue;
            }

            if (item.IsOpaqueMarker)
            {
                // A repeated marker (however spelt) finds only what this layer wrote: it would cost a scan and change nothing.
                var directory = WithoutDots(Parent(path));
                if (opaqueHere.Add(directory))
                {
                    ApplyOpaque(directory, writtenHere);
                }

                continue;
            }

            if (item.IsWhiteout)
            {
                var deleted = Join(Parent(path), item.Name.Substring(LayerPlanner.WhiteoutPrefix.Length));
                if (deleted.Split('/').Contains(".."))
                {
                    throw new UnsafeLayerEntryException(item.RawName, "a whiteout may not name '..'");
                }

                Remove(SecureJoin.Resolve(_root, deleted));
                continue;
            }

            writtenHere.Ensure(WithoutDots(path));
            var target = SecureJoin.Resolve(_root, path);
            switch (item.Type)
            {
                case EntryKind.Directory:
                    if (!Directory.Exists(target) || IsLink(target))
                    {
                        Remove(target);
                        Directory.CreateDirectory(target);
                    }

                    _directories.Add((target, item.Mode, item.Modified));
                    break;
                case EntryKind.File:
                    Remove(target);
                    EnsureParent(target);
                    WriteFile(target, layer.Content, item);
                    break;
                case EntryKind.Symlink:
                    CheckLinkStaysInside(item, path);
                    Remove(target);
                    EnsureParent(target);
                    UnixFileSystem.CreateSymbolicLink(target, item.LinkTarget!);
                    break;
                case EntryKind.HardLink:
                    var linked = LayerReader.Normalise(item.LinkTarget ?? string.Empty);
                    if (linked.StartsWith("/", StringComparison.Ordinal) || linked.Split('/').Contains("..") || linked.Length == 0)
                    {
                        throw new UnsafeLayerEntryException(item.RawName, $"its hard link target '{item.LinkTarget}' is outside the image");
                    }

                    var source = SecureJoin.Resolve(_root, linked);
                    if (!File.Exists(source) || IsLink(source))
                    {
                        throw new UnsafeLayerEntryException(item.RawName, $"its hard link target '{item.LinkTarget}' is not a file of the image");
                    }

                    // .NET has no hard link API: the content is copied, which a reader cannot tell apart.
                    Remove(target);
                    EnsureParent(target);
                    Count(new FileInfo(source).Length);
                    File.Copy(source, target);
                    break;
                default:
                    _log.Warning($"Skipped '{path}': {item.Type} entries cannot be created without privileges.");
                    break;
            }
        }
    }

    /// <summary>Sets directory modes and times last, deepest first, so read-only directories do not block writes.</summary>
    public void Finish()
    {
        foreach (var (path, mode, modified) in _directories.OrderByDescending(d => d.Path.Length))
        {
            if (Directory.Exists(path))
            {
                UnixFileSystem.SetPermissions(path, mode);
                Directory.SetLastWriteTimeUtc(path, modified);
            }
        }
    }

    private string? Validate(LayerItem item)
    {
        var path = item.Path;
        if (path.StartsWith("/", StringComparison.Ordinal))
        {
            throw new UnsafeLayerEntryException(item.RawName, "its name is an absolute path");
        }

        var parts = path.Split('/');
        if (parts.Contains(".."))
        {
            throw new UnsafeLayerEntryException(item.RawName, "its name goes up with '..'");
        }

        return path.Length == 0 || path == "." ? null : path;
    }

    private void CheckLinkStaysInside(LayerItem item, string path)
    {
        var target = item.LinkTarget ?? string.Empty;
        if (target.StartsWith("/", StringComparison.Ordinal))
        {
            return; // absolute targets are read inside the root, as a container sees them
        }

        var depth = path.Split('/').Length - 1;
        foreach (var part in target.Split('/'))
        {
            if (part == "..")
            {
                depth--;
                if (depth < 0)
                {
                    throw new UnsafeLayerEntryException(item.RawName, $"its symbolic link target '{target}' leads out of the image");
                }
            }
            else if (part.Length > 0 && part != ".")
            {
                depth++;
            }
        }
    }

    private void WriteFile(string target, Stream content, LayerItem item)
    {
        using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var buffer = new byte[81920];
            long left = item.Size;
            while (left > 0)
            {
                var n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                {
                    break; // a truncated tar: the reader reports it on the next entry
                }

                Count(n);
                file.Write(buffer, 0, n);
                left -= n;
            }
        }

        UnixFileSystem.SetPermissions(target, item.Mode);
        File.SetLastWriteTimeUtc(target, item.Modified);
    }

    private void Count(long bytes)
    {
        _written += bytes;
        if (_written > _maxSize)
        {
            throw new ExtractionLimitException(_maxSize);
        }
    }

    /// <summary>Work done by opaque markers so far (names looked at): a measure for tests, independent of the clock.</summary>
    internal long OpaqueSteps { get; private set; }

    /// <summary>Removes what the directory holds that this layer has not written, at or under it (one path lookup per name).</summary>
    private void ApplyOpaque(string directory, PathTree<string> writtenHere)
    {
        var full = SecureJoin.Resolve(_root, directory);
        if (!Directory.Exists(full) || IsLink(full))
        {
            return;
        }

        foreach (var child in new DirectoryInfo(full).EnumerateFileSystemInfos())
        {
            var relative = Join(directory, child.Name);
            var before = writtenHere.Steps;
            var written = writtenHere.Find(relative) is not null;
            OpaqueSteps += 1 + writtenHere.Steps - before;
            if (!written)
            {
                Remove(child.FullName);
            }
        }
    }

    /// <summary>Deletes a file, link or directory tree without following links.</summary>
    private void Remove(string path)
    {
        if (!path.StartsWith(_root, StringComparison.Ordinal) || path == _root)
        {
            return;
        }

        var info = new FileInfo(path);
        if (IsLink(path) || File.Exists(path))
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private void EnsureParent(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent))
        {
            Directory.CreateDirectory(parent);
        }
    }

    private static bool IsLink(string path) => UnixFileSystem.GetLinkTarget(new FileInfo(path)) is not null;

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path.Substring(0, slash);
    }

    /// <summary>"a/./b//c" as "a/b/c": one spelling per path for the layer's bookkeeping ('..' is refused before).</summary>
    private static string WithoutDots(string path) => string.Join("/", path.Split('/').Where(p => p.Length > 0 && p != "."));

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;
}
