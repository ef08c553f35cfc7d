using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layers;
using OciImage.Core.Layers.Tar;

namespace OciImage.Core.Archives;

/// <summary>Packs a folder into a tar file (atomically, with the layer tar writer) and unpacks a tar into a folder, refusing unsafe names.</summary>
internal static class TarFolder
{
    /// <summary>Packs a folder into a tar file, atomically: the file appears whole or not at all.</summary>
    public static void Pack(string folder, string tarPath, Func<string, bool>? leaveOut = null)
    {
        var temp = AtomicFile.TempPathBeside(tarPath);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Pack(folder, file, leaveOut);
            }

            AtomicFile.MoveOver(temp, tarPath);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    /// <summary>Packs a folder into a tar stream (names in ordinal order, owners 0, times at the epoch).</summary>
    public static void Pack(string folder, Stream output, Func<string, bool>? leaveOut = null)
    {
        using var tar = new TarLayerWriter(output);
        var root = Path.GetFullPath(folder);
        var epoch = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            var name = path.Substring(root.Length + 1).Replace('\\', '/');
            if (leaveOut?.Invoke(name) == true)
            {
                continue;
            }

            if (Directory.Exists(path))
            {
                tar.AddDirectory(name, 0x1ED, epoch, 0, 0);
                continue;
            }

            using var content = File.OpenRead(path);
            tar.AddFile(name, 0x1A4, epoch, 0, 0, content.Length, content);
        }

        tar.Finish();
    }

    /// <summary>
    /// The temp space an unpack may take beyond the archive's own size: entries' contents come from the archive
    /// (so they add up to at most its size), links become hard links; only where the file system cannot link is
    /// a link copied, and those copies count against this margin.
    /// </summary>
    public const long CopyMargin = 64L * 1024 * 1024;

    public static void Unpack(string tarPath, string folder)
    {
        using var file = new FileStream(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Unpack(file, folder, tarPath);
    }

    /// <summary>
    /// Unpacks a tar stream into a folder; <paramref name="tarPath"/> names the archive in messages. A stream has no
    /// size to bound it (a file has), so <paramref name="maxBytes"/> stops one that would write more than that.
    /// </summary>
    public static void Unpack(Stream archive, string folder, string tarPath, long maxBytes = long.MaxValue)
    {
        long written = 0;
        Directory.CreateDirectory(folder);
        var root = Path.GetFullPath(folder);
        using var tar = new TarReader(archive, reason => new InvalidArchiveException(tarPath, reason));
        var links = new List<(string Path, string Target)>();
        var buffer = new byte[81920];
        TarHeader? entry;
        while ((entry = tar.Next()) is not null)
        {
            var name = entry.Name.Replace('\\', '/').TrimStart('.').TrimStart('/');
            if (name.Length == 0)
            {
                continue;
            }

            if (name.Split('/').Contains("..") || entry.Name.StartsWith("/", StringComparison.Ordinal))
            {
                throw new InvalidArchiveException(tarPath, $"the entry '{entry.Name}' leads outside the archive");
            }

            var target = Path.Combine(root, name.TrimEnd('/'));
            var type = entry.TypeFlag;
            if (type == TarTypeFlag.Directory)
            {
                Directory.CreateDirectory(target);
                continue;
            }

            if (type == TarTypeFlag.Symlink || type == TarTypeFlag.HardLink)
            {
                // Some archives store a layer once and link its other names to it: resolved after the pass.
                links.Add((target, type == TarTypeFlag.Symlink ? Path.Combine(Path.GetDirectoryName(target)!, entry.LinkName) : Path.Combine(root, entry.LinkName.TrimStart('/'))));
                continue;
            }

            if (type != TarTypeFlag.Regular && type != TarTypeFlag.Contiguous)
            {
                continue; // image archives hold only files, folders and links between them
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            DeleteName(target); // never write through an earlier name: it may be a link's other name
            using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            var content = tar.Content;
            int n;
            while ((n = content.Read(buffer, 0, buffer.Length)) > 0)
            {
                written += n;
                if (written > maxBytes)
                {
                    throw new InvalidArchiveException(tarPath, $"it holds more than the {maxBytes} bytes it may unpack into {root} (the temp folder's free space less a reserve)");
                }

                output.Write(buffer, 0, n);
            }
        }

        ResolveLinks(tarPath, root, links);
    }

    /// <summary>
    /// Gives each link the file it names, as a hard link (a copy only where the file system cannot link, within
    /// <see cref="CopyMargin"/>): links may chain, so passes repeat while one resolves. A link that leads outside
    /// the archive is refused; one whose file is not there is left out. Nothing on disk is a symbolic link, so
    /// the lexical path is where the file is.
    /// </summary>
    private static void ResolveLinks(string tarPath, string root, List<(string Path, string Target)> links)
    {
        long copied = 0;
        var pending = links;
        while (pending.Count > 0)
        {
            var next = new List<(string Path, string Target)>();
            foreach (var (path, target) in pending)
            {
                var full = Path.GetFullPath(target);
                if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new InvalidArchiveException(tarPath, $"the link '{path.Substring(root.Length + 1)}' leads outside the archive");
                }

                if (!File.Exists(full))
                {
                    next.Add((path, target));
                    continue;
                }

                if (string.Equals(full, Path.GetFullPath(path), StringComparison.Ordinal))
                {
                    continue; // a link to itself names the file it already is
                }

                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                DeleteName(path);
                if (!HardLink.TryCreate(full, path))
                {
                    copied += new FileInfo(full).Length;
                    if (copied > CopyMargin)
                    {
                        throw new InvalidArchiveException(tarPath, $"its links would be copied to more than {CopyMargin} bytes on a file system without hard links");
                    }

                    File.Copy(full, path);
                }
            }

            if (next.Count == pending.Count)
            {
                return; // what is left names nothing in the archive; a reader that needs it says so
            }

            pending = next;
        }
    }

    private static void DeleteName(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
