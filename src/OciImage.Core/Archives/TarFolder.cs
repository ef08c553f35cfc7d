using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ICSharpCode.SharpZipLib.Tar;
using OciImage.Core.Errors;
using OciImage.Core.IO;
using OciImage.Core.Layers;

namespace OciImage.Core.Archives;

/// <summary>Packs a folder into a tar file (atomically, with the layer tar writer) and unpacks a tar into a folder, refusing unsafe names.</summary>
public static class TarFolder
{
    public static void Pack(string folder, string tarPath, Func<string, bool>? leaveOut = null)
    {
        var temp = AtomicFile.TempPathBeside(tarPath);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var tar = new TarLayerWriter(file))
            {
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

            AtomicFile.MoveOver(temp, tarPath);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    public static void Unpack(string tarPath, string folder)
    {
        Directory.CreateDirectory(folder);
        var root = Path.GetFullPath(folder);
        using var file = File.OpenRead(tarPath);
        using var tar = new TarInputStream(file, Encoding.UTF8);
        TarEntry? entry;
        var links = new List<(string Path, string Target)>();
        try
        {
            while ((entry = tar.GetNextEntry()) is not null)
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
                if (entry.IsDirectory)
                {
                    Directory.CreateDirectory(target);
                    continue;
                }

                var type = entry.TarHeader.TypeFlag;
                if (type == TarHeader.LF_SYMLINK || type == TarHeader.LF_LINK)
                {
                    // Some archives store a layer once and link its other names to it: resolved after the pass.
                    links.Add((target, type == TarHeader.LF_SYMLINK ? Path.Combine(Path.GetDirectoryName(target)!, entry.TarHeader.LinkName) : Path.Combine(root, entry.TarHeader.LinkName.TrimStart('/'))));
                    continue;
                }

                if (type != TarHeader.LF_NORMAL && type != TarHeader.LF_OLDNORM)
                {
                    continue; // image archives hold only files, folders and links between them
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                tar.CopyEntryContents(output);
            }
        }
        catch (TarException ex)
        {
            throw new InvalidArchiveException(tarPath, "it is not a readable tar (" + ex.Message + ")");
        }

        ResolveLinks(tarPath, root, links);
    }

    /// <summary>
    /// Gives each link the content of the file it names, as a copy: links may chain, so passes repeat while one
    /// resolves. A link that leads outside the archive is refused; one whose file is not there is left out.
    /// </summary>
    private static void ResolveLinks(string tarPath, string root, List<(string Path, string Target)> links)
    {
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

                if (File.Exists(full))
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.Copy(full, path, overwrite: true);
                }
                else
                {
                    next.Add((path, target));
                }
            }

            if (next.Count == pending.Count)
            {
                return; // what is left names nothing in the archive; a reader that needs it says so
            }

            pending = next;
        }
    }
}
