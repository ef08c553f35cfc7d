using System;
using System.Collections.Generic;
using System.Linq;

namespace OciImage.TestKit;

/// <summary>
/// GNU tar's own listing of a tar (`tar -tv --numeric-owner`), as lines "TYPE MODE UID:GID SIZE PATH -> TARGET"
/// in the words Get-OciLayerItem uses (File, Directory, Symlink, HardLink...), four octal digits of mode, the path
/// without "./" or a trailing '/', and a hard link's target likewise: the referee for every listing of the module.
/// </summary>
public static class TarListing
{
    public static IReadOnlyList<string> Of(string tar)
    {
        var lines = new List<string>();
        var text = ExternalTool.Run("tar", "--numeric-owner", "--quoting-style=literal", "-tvf", tar);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "-rw-r--r-- 0/0   6 2020-01-01 00:00 ./name": five fields, then the name (with " -> " or " link to ").
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var prefixLength = 0;
            for (var i = 0; i < 5; i++)
            {
                prefixLength = line.IndexOf(fields[i], prefixLength, StringComparison.Ordinal) + fields[i].Length;
            }

            var rest = line.Substring(prefixLength + 1);
            var type = fields[0][0] switch
            {
                'd' => "Directory",
                'l' => "Symlink",
                'h' => "HardLink",
                'p' => "Fifo",
                'c' => "CharacterDevice",
                'b' => "BlockDevice",
                _ => "File",
            };
            var separator = type switch { "Symlink" => " -> ", "HardLink" => " link to ", _ => null };
            var name = rest;
            var target = string.Empty;
            if (separator is not null)
            {
                var at = rest.IndexOf(separator, StringComparison.Ordinal);
                name = rest.Substring(0, at);
                target = rest.Substring(at + separator.Length);
                if (type == "HardLink")
                {
                    target = Path(target);
                }
            }

            name = Path(name);
            if (name.Length > 0)
            {
                lines.Add(Line(type, Mode(fields[0]), fields[1].Replace('/', ':'), long.Parse(fields[2]), name, target));
            }
        }

        return lines.OrderBy(l => l, StringComparer.Ordinal).ToList();
    }

    /// <summary>One listing line, from any source, the same way.</summary>
    public static string Line(string type, string mode, string owner, long size, string path, string target) =>
        $"{type} {mode} {owner} {size} {Path(path)} -> {target}";

    /// <summary>A path without leading "./" or "/" and without a trailing '/'.</summary>
    public static string Path(string name)
    {
        var path = name;
        while (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path.Substring(2);
        }

        return path.TrimStart('/').TrimEnd('/');
    }

    /// <summary>"-rwsr-xr-t" as "5755": the permission bits with setuid, setgid and sticky.</summary>
    public static string Mode(string symbolic)
    {
        var mode = 0;
        for (var i = 0; i < 9; i++)
        {
            var c = symbolic[1 + i];
            if (c != '-' && c != 'S' && c != 'T')
            {
                mode |= 1 << (8 - i);
            }
        }

        mode |= symbolic[3] is 's' or 'S' ? 0x800 : 0;
        mode |= symbolic[6] is 's' or 'S' ? 0x400 : 0;
        mode |= symbolic[9] is 't' or 'T' ? 0x200 : 0;
        return Convert.ToString(mode, 8).PadLeft(4, '0');
    }
}
