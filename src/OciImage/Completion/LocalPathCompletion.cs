using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OciImage.Completion;

/// <summary>
/// The path part of oci:, oci-archive: and docker-archive: references, completed as the file system has it:
/// folders (with a trailing separator, to go on typing) and, for archives, files; for oci:, a folder that is a
/// layout is offered with a colon too, to go on to its names. Relative paths stay relative, as typed.
/// </summary>
internal static class LocalPathCompletion
{
    public static IEnumerable<string> Complete(string prefix, string typedPath, string currentFolder, bool filesToo)
    {
        var separator = typedPath.LastIndexOfAny(new[] { '/', Path.DirectorySeparatorChar });
        var typedFolder = separator >= 0 ? typedPath.Substring(0, separator + 1) : string.Empty;
        var namePrefix = typedPath.Substring(typedFolder.Length);
        var folder = typedFolder.Length == 0 ? currentFolder : Path.IsPathRooted(typedFolder) ? typedFolder : Path.Combine(currentFolder, typedFolder);
        if (!Directory.Exists(folder))
        {
            return Enumerable.Empty<string>();
        }

        var found = new List<string>();
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            if (!entry.Name.StartsWith(namePrefix, StringComparison.Ordinal) || (entry.Name.StartsWith(".", StringComparison.Ordinal) && !namePrefix.StartsWith(".", StringComparison.Ordinal)))
            {
                continue;
            }

            var shown = prefix + typedFolder + entry.Name;
            if (entry is DirectoryInfo directory)
            {
                if (prefix == Core.Reference.LayoutPrefix && File.Exists(Path.Combine(directory.FullName, "oci-layout")))
                {
                    found.Add(shown + ":");
                }

                found.Add(shown + "/");
            }
            else if (filesToo)
            {
                found.Add(shown);
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }
}
