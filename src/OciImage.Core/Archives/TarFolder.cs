using System;
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
    public static void Pack(string folder, string tarPath)
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

                if (entry.TarHeader.TypeFlag != TarHeader.LF_NORMAL && entry.TarHeader.TypeFlag != TarHeader.LF_OLDNORM)
                {
                    continue; // image archives hold only files and folders
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
    }
}
