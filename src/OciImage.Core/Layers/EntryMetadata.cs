using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using OciImage.Core.IO;

namespace OciImage.Core.Layers;

/// <summary>
/// The one place where an expansion sets what a layer entry says about itself beyond its content (mode and
/// modification time today; owners belong here too), on the very object that the expansion created and never
/// through a symbolic link. A file gets them on its open handle; a directory gets them last (a read-only
/// directory would block the writes below it), so its record keeps the identity (device and inode, from lstat)
/// of the directory it was made for: the record is dropped when that path or a parent is removed or replaced,
/// and applied only when lstat still finds that very directory there, with no-follow calls.
/// </summary>
internal sealed class EntryMetadata
{
    private static readonly char Separator = Path.DirectorySeparatorChar;

    // Full path to record; the sorted keys let a removed subtree drop its records in one range.
    private readonly Dictionary<string, Record> _records = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _paths = new(StringComparer.Ordinal);

    /// <summary>How many directory records were applied, and skipped because the path no longer held their directory.</summary>
    public int Applied { get; private set; }

    public int Skipped { get; private set; }

    /// <summary>Mode and time of a file just written, set through its handle before it is closed.</summary>
    public static void ApplyToFile(FileStream file, string path, LayerItem item)
    {
        file.Flush();
        if (NoFollow.SetMode(file.SafeFileHandle, item.Mode) == NoFollow.Unsupported)
        {
            // No libc here: the file was created by this handle with O_EXCL a moment ago, so the path is it.
            UnixFileSystem.SetPermissions(path, item.Mode);
        }

        if (NoFollow.SetModified(file.SafeFileHandle, item.Modified) == NoFollow.Unsupported)
        {
            file.Dispose();
            File.SetLastWriteTimeUtc(path, item.Modified);
        }
    }

    /// <summary>Records a directory entry's mode and time for <see cref="ApplyDeferred"/>; a later entry for the same path replaces it.</summary>
    public void Defer(string directory, LayerItem item)
    {
        var status = UnixFileStatus.Of(directory);
        if (UnixFileStatus.IsAvailable && status is not { Type: UnixFileType.Directory })
        {
            return;
        }

        _paths.Add(directory);
        _records[directory] = new Record(item.Mode, item.Modified, status?.FileSystem, status?.Inode);
    }

    /// <summary>Forgets the records of <paramref name="path"/> and everything under it: it is about to be removed or replaced.</summary>
    public void Forget(string path)
    {
        if (_paths.Remove(path))
        {
            _records.Remove(path);
        }

        // Every path below sorts between "path/" and "path0" ('0' follows '/'; likewise ']' follows '\').
        var below = _paths.GetViewBetween(path + Separator, path + (char)(Separator + 1)).ToList();
        foreach (var child in below)
        {
            _paths.Remove(child);
            _records.Remove(child);
        }
    }

    /// <summary>Applies the directory records, deepest first, each only to the directory it was made for.</summary>
    public void ApplyDeferred()
    {
        foreach (var path in _paths.OrderByDescending(p => p.Length).ThenBy(p => p, StringComparer.Ordinal))
        {
            var record = _records[path];
            if (!IsStillTheSame(path, record))
            {
                Skipped++;
                continue;
            }

            // Checked just above with lstat: the fallbacks (no libc, or no fchmodat flag) act on that directory.
            if (NoFollow.SetMode(path, record.Mode) == NoFollow.Unsupported)
            {
                UnixFileSystem.SetPermissions(path, record.Mode);
            }

            if (NoFollow.SetModified(path, record.Modified) == NoFollow.Unsupported)
            {
                Directory.SetLastWriteTimeUtc(path, record.Modified);
            }

            Applied++;
        }

        _paths.Clear();
        _records.Clear();
    }

    private static bool IsStillTheSame(string path, Record record)
    {
        if (record.FileSystem is { } device && record.Inode is { } inode)
        {
            var now = UnixFileStatus.Of(path);
            return now is { Type: UnixFileType.Directory } && now.FileSystem == device && now.Inode == inode;
        }

        // No lstat here (Windows): a directory that is not a reparse point (link or junction).
        var info = new DirectoryInfo(path);
        return info.Exists && (info.Attributes & FileAttributes.ReparsePoint) == 0;
    }

    private sealed class Record(int mode, DateTime modified, long? fileSystem, long? inode)
    {
        public int Mode { get; } = mode;

        public DateTime Modified { get; } = modified;

        public long? FileSystem { get; } = fileSystem;

        public long? Inode { get; } = inode;
    }
}
