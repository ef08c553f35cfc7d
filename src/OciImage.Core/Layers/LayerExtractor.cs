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
/// devices are skipped, and the total size is bounded. What is written or changed is never reached through a
/// symbolic link: parents are resolved inside the root, and the last name is removed before it is created
/// (O_EXCL for files); modes and times go through <see cref="EntryMetadata"/>, which applies them only to the
/// object this extraction made.
/// </summary>
internal sealed class LayerExtractor
{
    private readonly string _root;
    private readonly long _maxSize;
    private readonly IEngineLog _log;
    private readonly EntryMetadata _metadata = new();
    private readonly bool _applyOwners;
    private long _written;
    private bool _ownerWarned;

    private readonly Analysis.PathMemoryAllowance _pathMemory;

    /// <param name="pathMemory">What the paths kept may take (a new allowance for this process when null).</param>
    public LayerExtractor(string root, long maxSize, IEngineLog log, bool applyOwners = false, Analysis.PathMemoryAllowance? pathMemory = null)
    {
        _root = Path.GetFullPath(root);
        _pathMemory = pathMemory ?? Analysis.PathMemoryAllowance.ForThisProcess();
        _maxSize = maxSize;
        _log = log;
        _applyOwners = applyOwners;
    }

    /// <summary>Applies one layer's entries.</summary>
    public void Apply(LayerReader layer, CancellationToken cancellationToken)
    {
        var writtenHere = new LayerWrites();
        foreach (var item in layer.Items(cancellationToken))
        {
            var path = EntrySafety.Check(item);
            if (path is null)
            {
                continue;
            }

            // Every entry costs at least its tar header: a layer of millions of empty entries is bounded too; and the
            // paths this expansion keeps (the layer's written tree, directories' deferred metadata) by memory.
            Count(EntryCost);
            _pathMemory.Charge(item.Type == EntryKind.Directory ? Analysis.PathMemoryAllowance.CostOf(item) : WrittenPathCost + 4L * item.Path.Length, layer.What);
            if (item.IsOpaqueMarker)
            {
                // The marker's own parents are followed (inside the root): it names the directory it sits in.
                ApplyOpaque(Path.GetDirectoryName(SecureJoin.Resolve(_root, path))!, writtenHere);
                continue;
            }

            if (item.IsWhiteout)
            {
                var deleted = Join(Parent(path), item.Name.Substring(LayerPlanner.WhiteoutPrefix.Length));
                Remove(SecureJoin.Resolve(_root, deleted));
                continue;
            }

            var target = SecureJoin.Resolve(_root, path);
            writtenHere.Add(Relative(target));
            switch (item.Type)
            {
                case EntryKind.Directory:
                    if (!Directory.Exists(target) || IsLink(target))
                    {
                        Remove(target);
                        Directory.CreateDirectory(target);
                    }

                    ApplyOwner(target, item);
                    _metadata.Defer(target, item);
                    break;
                case EntryKind.File:
                    Remove(target);
                    EnsureParent(target);
                    WriteFile(target, layer.Content, item);
                    break;
                case EntryKind.Symlink:
                    Remove(target);
                    EnsureParent(target);
                    UnixFileSystem.CreateSymbolicLink(target, item.LinkTarget!);
                    ApplyOwner(target, item);
                    break;
                case EntryKind.HardLink:
                    var linked = LayerReader.Normalise(item.LinkTarget ?? string.Empty);
                    var source = SecureJoin.Resolve(_root, linked);
                    var sourceLink = UnixFileSystem.GetLinkTarget(new FileInfo(source));
                    if (sourceLink is null && !File.Exists(source))
                    {
                        throw new UnsafeLayerEntryException(item.RawName, $"its hard link target '{item.LinkTarget}' is not a file of the image");
                    }

                    // A hard link to a symbolic link is that link under a second name: its target must stay inside from there too.
                    if (sourceLink is not null)
                    {
                        EntrySafety.CheckLinkStaysInside(item.RawName, sourceLink, path);
                    }

                    Remove(target);
                    EnsureParent(target);
                    LinkOrCopy(source, sourceLink, target);
                    ApplyOwner(target, item);
                    break;
                default:
                    _log.Warning($"Skipped '{path}': {item.Type} entries cannot be created without privileges.");
                    break;
            }
        }
    }

    /// <summary>Sets directory modes and times last, deepest first, so read-only directories do not block writes.</summary>
    public void Finish() => _metadata.ApplyDeferred();

    /// <summary>The directory records applied by <see cref="Finish"/>, and those skipped (their directory was removed or replaced).</summary>
    internal (int Applied, int Skipped) MetadataApplied => (_metadata.Applied, _metadata.Skipped);

    /// <summary>How many names on disk opaque markers looked at: linear in the entries (see <see cref="LayerWrites"/>).</summary>
    internal long OpaqueVisits { get; private set; }

    /// <summary>What each entry counts towards the size limit beside its content: the size of a tar header.</summary>
    public const long EntryCost = 512;

    /// <summary>What a written path other than a directory keeps: a node, a map slot and its name in the layer's tree (a directory's whole record is kept too, until Finish).</summary>
    private const long WrittenPathCost = 256;

    /// <summary>
    /// A hard link as tar and container storage make it: one file under two names (link(2), which never follows
    /// a symbolic link), so a later write through either name is seen by both, as in the container. Where the file
    /// system has no hard links the file is copied (and counted) or the symbolic link made again.
    /// </summary>
    private void LinkOrCopy(string source, string? sourceLink, string target)
    {
        if (HardLink.TryCreate(source, target))
        {
            return;
        }

        if (sourceLink is not null)
        {
            UnixFileSystem.CreateSymbolicLink(target, sourceLink);
            return;
        }

        Count(new FileInfo(source).Length);
        File.Copy(source, target);
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

            ApplyOwner(target, item);
            EntryMetadata.ApplyToFile(file, target, item);
        }
    }

    /// <summary>
    /// Gives the object just created the entry's owner, when asked (root): lchown, so a symbolic link itself and
    /// never what it names; before the mode, since a change of owner clears setuid and setgid. A failure (an
    /// owner the user namespace does not map) is warned of once and the files keep the caller's owner, as tar does.
    /// </summary>
    private void ApplyOwner(string path, LayerItem item)
    {
        if (!_applyOwners || UnixOwner.TryChange(path, item.UserId, item.GroupId) is not { } problem || _ownerWarned)
        {
            return;
        }

        _ownerWarned = true;
        _log.Warning($"Could not give '{item.Path}' the owner {item.UserId}:{item.GroupId} ({problem}); files whose owner cannot be set keep the current user's.");
    }

    private void Count(long bytes)
    {
        _written += bytes;
        if (_written > _maxSize)
        {
            throw new ExtractionLimitException(_maxSize);
        }
    }

    /// <summary>
    /// Removes what the lower layers hold in <paramref name="full"/>: every name there, at any depth, that
    /// this layer did not write. Each directory is walked once a layer (see <see cref="LayerWrites"/>).
    /// </summary>
    private void ApplyOpaque(string full, LayerWrites writtenHere)
    {
        var pending = new Stack<(string Path, PathTree<LayerWrites.Sweep>.Node? Node)>();
        pending.Push((full, writtenHere.Find(Relative(full))));
        while (pending.Count > 0)
        {
            var (path, node) = pending.Pop();
            if ((node is not null && LayerWrites.IsSwept(node)) || !IsDirectory(path))
            {
                continue;
            }

            foreach (var child in new DirectoryInfo(path).EnumerateFileSystemInfos().ToList())
            {
                OpaqueVisits++;
                var written = node?.Child(child.Name);
                if (written is null)
                {
                    Remove(child.FullName);
                }
                else if ((child.Attributes & (FileAttributes.Directory | FileAttributes.ReparsePoint)) == FileAttributes.Directory)
                {
                    pending.Push((child.FullName, written));
                }
            }

            if (node is not null)
            {
                LayerWrites.MarkSwept(node);
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

        _metadata.Forget(path);
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

    /// <summary>A directory itself, not a link to one.</summary>
    private static bool IsDirectory(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists && (info.Attributes & FileAttributes.ReparsePoint) == 0;
    }

    private string Relative(string full) => full.Length <= _root.Length ? string.Empty : full.Substring(_root.Length + 1);

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path.Substring(0, slash);
    }

    /// <summary>"a/./b//c" as "a/b/c": one spelling per path for the layer's bookkeeping ('..' is refused before).</summary>
    private static string WithoutDots(string path) => string.Join("/", path.Split('/').Where(p => p.Length > 0 && p != "."));

    private static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;
}
